// Keep a statistic's provenance note inside the window: open it leftwards when it
// would overflow on the right.
(function () {
  function place(event) {
    var link = event.target.closest && event.target.closest(".stat-link");
    if (!link) return;
    var note = link.querySelector(".provenance");
    if (!note) return;
    link.classList.remove("provenance-left");
    var box = note.getBoundingClientRect();
    if (box.right > document.documentElement.clientWidth - 8) link.classList.add("provenance-left");
  }
  document.addEventListener("mouseover", place);
  document.addEventListener("focusin", place);
})();
