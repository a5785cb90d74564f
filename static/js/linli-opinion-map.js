/* Opinion map of a conversation: one dot per participant, coloured by opinion group.
   Points come from the "opinion-points" json_script block; labels are data- attributes. */
(function () {
  "use strict";
  var el = document.getElementById("opinion-map"), src = document.getElementById("opinion-points");
  if (!el || !src || !window.echarts) return;
  var ungrouped = el.getAttribute("data-ungrouped") || "未分组";
  var groupWord = el.getAttribute("data-group") || "群组";
  var pts = JSON.parse(src.textContent), groups = {};
  pts.forEach(function (p) { var g = p.group || ungrouped; (groups[g] = groups[g] || []).push([p.x, p.y]); });
  var colors = ["#1d6fb8", "#e67e22", "#2e7d32", "#8e24aa", "#c62828", "#00838f"];
  var names = Object.keys(groups).sort();
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: false },
    xAxis: { show: false, scale: true }, yAxis: { show: false, scale: true },
    series: names.map(function (n, i) {
      return { name: n.length === 1 ? groupWord + " " + n : n, type: "scatter", symbolSize: 9, data: groups[n], itemStyle: { color: n.length === 1 ? colors[i % colors.length] : "#bbb" } };
    })
  });
  el.classList.add("ready");
  window.addEventListener("resize", function () { chart.resize(); });
})();
