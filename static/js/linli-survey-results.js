/* Survey results: one bar chart per closed question from the "survey-data" json_script
   block. Option labels are drawn by ECharts as SVG text (and escaped in its tooltips). */
(function () {
  "use strict";
  var src = document.getElementById("survey-data");
  if (!window.echarts || !src) return;
  var qs = JSON.parse(src.textContent);
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var q = qs[parseInt(el.getAttribute("data-chart"), 10)];
    if (!q) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, show: false },
      yAxis: { type: "category", inverse: true, data: q.rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", data: q.rows.map(function (r) { return r.count; }), itemStyle: { color: "#1d6fb8" },
        label: { show: true, position: "right", formatter: function (p) { return q.rows[p.dataIndex].percent + "%"; } } }]
    });
    el.classList.add("ready");
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
