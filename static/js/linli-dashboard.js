/* Dashboard charts (ECharts, SVG renderer). Data come from the json_script
   "dashboard-charts" (labels and numbers only); the tables beside each chart stay as the
   no-JS, print and screen-reader version. */
(function () {
  "use strict";
  if (!window.echarts) return;
  var source = document.getElementById("dashboard-charts");
  if (!source) return;
  var all = JSON.parse(source.textContent);
  var size = getComputedStyle(document.documentElement).fontSize;
  var fs = parseInt(size, 10) * 0.8 || 13;
  document.querySelectorAll("[data-dash-chart]").forEach(function (el) {
    var data = all[el.getAttribute("data-dash-chart")];
    if (!data || !data.values || !data.values.length) return;
    el.classList.add("ready");
    el.style.height = Math.max(160, 34 * data.values.length + 30) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: fs } },
      yAxis: { type: "category", inverse: true, data: data.labels, axisLabel: { fontSize: fs } },
      tooltip: { trigger: "axis" },
      series: [{ type: "bar", data: data.values, itemStyle: { color: "#1d6fb8" }, label: { show: true, position: "right", fontSize: fs } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
