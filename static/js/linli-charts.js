/* Stage bar charts with ECharts; the plain bars stay as the no-JS fallback. */
(function () {
  "use strict";
  if (!window.echarts) return;
  document.querySelectorAll("[data-echart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-echart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    el.classList.add("ready");
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var size = getComputedStyle(document.documentElement).fontSize;
    var fs = parseInt(size, 10) * 0.8 || 13;
    chart.setOption({
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: fs } },
      yAxis: { type: "category", inverse: true, data: data.labels, axisLabel: { fontSize: fs } },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: data.values, itemStyle: { color: "#1d6fb8" }, label: { show: true, position: "right", fontSize: fs } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
