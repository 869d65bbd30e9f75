// Draw every chart of the page with the site's own Vega runtime (assets/vega.js).
// Expressions are interpreted (ast: true), so the Content-Security-Policy needs no
// 'unsafe-eval'; the static SVG stays in place if anything fails.
(function () {
  function draw(element) {
    var source = element.querySelector("script.vega-spec");
    if (!source || typeof window.vegaEmbed !== "function") return;
    var target = document.createElement("div");
    target.className = "vega-interactive";
    element.appendChild(target);
    window.vegaEmbed(target, JSON.parse(source.textContent), {
      actions: false, ast: true, renderer: "svg", defaultStyle: false,
      tooltip: { disableDefaultStyle: true }
    }).then(function () {
      element.classList.add("vega-ready");
    }).catch(function (error) {
      target.remove();
      console.warn("chart left static:", error);
    });
  }
  function start() { document.querySelectorAll(".vega-chart").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
