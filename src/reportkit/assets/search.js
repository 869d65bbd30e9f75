// Full-text search of this language's pages (Pagefind; its index is built with the site).
(function () {
  function start() {
    var element = document.getElementById("search");
    if (!element || typeof window.PagefindUI !== "function") return;
    new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false, resetStyles: false });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
