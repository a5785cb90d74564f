/* Community profile: population pyramid (ECharts) and the 15-minute life-circle map
   (Leaflet). Data comes from json_script blocks; every label reaches the page as text. */
(function () {
  "use strict";
  var text = function (s) {
    var span = document.createElement("span");
    span.textContent = s == null ? "" : String(s);
    return span;
  };
  var read = function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };
  var el = document.getElementById("pyramid");
  var p = read("pyramid-data");
  if (window.echarts && el && p) {
    el.classList.add("ready");
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    var male = el.getAttribute("data-male") || "男", female = el.getAttribute("data-female") || "女";
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return String(Math.abs(v)); } },
      legend: { data: [male, female], top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return String(Math.abs(v)); } } },
      yAxis: { type: "category", data: p.bands, axisTick: { show: false } },
      series: [
        { name: male, type: "bar", stack: "p", data: p.male.map(function (v) { return -v; }), itemStyle: { color: "#1d6fb8" } },
        { name: female, type: "bar", stack: "p", data: p.female, itemStyle: { color: "#c8102e" } }
      ]
    });
    el.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var mapEl = document.getElementById("lc-map");
  var d = read("lc-data");
  if (!window.L || !mapEl || !d) return;
  if (!d.buildings.length && !d.facilities.length) { mapEl.parentNode.hidden = true; return; }
  var missing = mapEl.getAttribute("data-missing") || "：缺 ";
  var covered = mapEl.getAttribute("data-covered") || "：全部覆盖";
  var m = L.map(mapEl, { attributionControl: false });
  var layer = L.featureGroup().addTo(m);
  d.buildings.forEach(function (b) {
    var label = b.label + (b.gaps.length ? missing + b.gaps.join("、") : covered);
    L.circleMarker([b.lat, b.lng], { radius: 8, color: b.gaps.length ? "#c8102e" : "#2e7d32", fillOpacity: .8 })
      .bindTooltip(text(label)).addTo(layer);
  });
  d.facilities.forEach(function (f) {
    L.circleMarker([f.lat, f.lng], { radius: 5, color: "#1d6fb8", fillOpacity: .9 })
      .bindTooltip(text(f.name + "（" + f.kind + "）")).addTo(layer);
  });
  m.fitBounds(layer.getBounds().pad(0.2));
  mapEl.setAttribute("data-ready", "1");
})();
