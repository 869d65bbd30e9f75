// reportkit preview: the check findings of the last build, listed in an overlay and highlighted
// in place (served by `reportkit preview` only; never part of the published site).
(function () {
  var checking = false;  // the page is newer than the findings: the checks of its build still run
  fetch("/__reportkit__/findings", { cache: "no-store" }).then(function (r) {
    checking = r.headers.get("X-Reportkit-Checking") === "1";
    return r.json();
  }).then(function (findings) {
    if (!findings.length) return;
    var here = window.location.pathname.replace(/\/$/, "/index.html");
    var style = document.createElement("style");
    style.textContent = "#reportkit-findings { position: fixed; right: 1em; bottom: 1em; z-index: 1000; " +
      "max-width: 40em; max-height: 40vh; overflow: auto; margin: 0; padding: .5em 1em; background: #fff8e1; " +
      "color: #000; border: 2px solid #b45309; font: 13px/1.4 monospace; } " +
      "mark.reportkit-finding { background: #fbbf24; outline: 2px solid #b45309; }";
    document.head.appendChild(style);
    var box = document.createElement("aside");
    box.id = "reportkit-findings";
    box.setAttribute("aria-label", "reportkit check");
    var title = document.createElement("strong");
    title.textContent = checking
      ? "reportkit check: running; the previous build had " + findings.length + " finding(s)"
      : "reportkit check: " + findings.length + " finding(s)";
    var list = document.createElement("ul");
    box.appendChild(title);
    box.appendChild(list);
    findings.forEach(function (finding) {
      var item = document.createElement("li");
      item.textContent = finding.text;
      list.appendChild(item);
      if (!checking && finding.page && here.endsWith("/" + finding.page)) finding.subject.forEach(mark);
    });
    document.body.appendChild(box);
  }).catch(function () {});

  function mark(token) {
    var root = document.querySelector("main") || document.body;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var hits = [];
    while (walker.nextNode()) {
      if (walker.currentNode.nodeValue.indexOf(token) >= 0) hits.push(walker.currentNode);
    }
    hits.forEach(function (node) {
      var at = node.nodeValue.indexOf(token);
      var found = node.splitText(at);
      found.splitText(token.length);
      var highlight = document.createElement("mark");
      highlight.className = "reportkit-finding";
      found.parentNode.replaceChild(highlight, found);
      highlight.appendChild(found);
    });
  }
})();
