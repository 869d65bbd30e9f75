// Send the reader to the edition in their preferred language, when we publish it.
function chooseLanguage() {
  if (sessionStorage.getItem("reportkit-chosen")) return;
  var links = document.querySelectorAll("a[data-lang]");
  var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) { return l.toLowerCase(); });
  function score(tag, pref) {
    tag = tag.toLowerCase();
    if (tag === pref) return 3;
    if (pref.indexOf("zh") === 0 && tag.indexOf("zh") === 0) {
      var hans = /hans|cn|sg/.test(pref), tagHans = /hans/.test(tag);
      return hans === tagHans ? 2 : 1;
    }
    return tag.split("-")[0] === pref.split("-")[0] ? 2 : 0;
  }
  for (var i = 0; i < wanted.length; i++) {
    var best = null, bestScore = 0;
    links.forEach(function (a) {
      var s = score(a.getAttribute("data-lang"), wanted[i]);
      if (s > bestScore) { best = a; bestScore = s; }
    });
    if (best) { sessionStorage.setItem("reportkit-chosen", "1"); window.location.replace(best.href); return; }
  }
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", chooseLanguage);
else chooseLanguage();
