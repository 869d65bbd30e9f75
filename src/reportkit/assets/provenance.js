// Keep a statistic's provenance note inside the window: shift it sideways so that it
// starts and ends at least a small margin from both edges (phones included).
(function () {
  var MARGIN = 8;
  function place(event) {
    var link = event.target.closest && event.target.closest(".stat-ref");
    if (!link) return;
    var note = link.querySelector(".provenance");
    if (!note) return;
    note.style.left = "0px";
    var box = note.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var shift = 0;
    if (box.right > width - MARGIN) shift = width - MARGIN - box.right;
    if (box.left + shift < MARGIN) shift = MARGIN - box.left;
    note.style.left = shift + "px";
  }
  document.addEventListener("mouseover", place);
  document.addEventListener("focusin", place);
})();
