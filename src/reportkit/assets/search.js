// Full-text search of this language's pages (Pagefind; its index is built with the site).
// When the site holds earlier editions, every page carries its edition as a filter: the search
// starts filtered to this page's edition, and results from another edition are marked. (Pagefind
// combines two values of one filter with "and": readers pick one edition at a time.)
(function () {
  function start() {
    var element = document.getElementById("search");
    if (!element || typeof window.PagefindUI !== "function") return;
    var options = { element: "#search", showSubResults: true, showImages: false, resetStyles: false };
    var edition = element.getAttribute("data-edition");
    var filter = element.getAttribute("data-edition-filter");
    var label = element.getAttribute("data-archived-label") || "";
    if (edition && filter) {
      options.processResult = function (result) {
        var other = result.meta && result.meta.edition;
        if (other && other !== edition) result.meta.title = label.replace("{year}", other) + " " + (result.meta.title || "");
        if (result.meta) delete result.meta.edition; // marked in the title, in the page's language
        return result;
      };
    }
    var ui = new window.PagefindUI(options);
    if (edition && filter && typeof ui.triggerFilters === "function") {
      var chosen = {};
      chosen[filter] = [edition];
      ui.triggerFilters(chosen);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
