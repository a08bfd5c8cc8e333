/* Draws every chart of a page from the JSON next to it (the same figures as the table below it). */
(function () {
  "use strict";
  var charts = [];
  function fmt(v) {
    if (v === null || v === undefined) return "—";
    return Math.abs(v) < 10 && v % 1 !== 0 ? Number(v.toFixed(4)) : v;
  }
  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    var wide = el.clientWidth > 600;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: wide ? 8 : 28, containLabel: true },
      xAxis: { type: "category", data: data.x, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", scale: data.type === "line" },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: data.type,
          data: s.data,
          connectNulls: false,
          showSymbol: data.x.length < 40,
        };
      }),
    });
    charts.push(chart);
  }
  function init() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(draw);
  }
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
