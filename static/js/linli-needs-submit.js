/* Need submission: pick a location on the site plan or the sketch map (Leaflet), and
   show possible duplicates while typing (htmx). Names reach the map as text nodes. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var text = function (s) {
    var span = document.createElement("span");
    span.textContent = s == null ? "" : String(s);
    return span;
  };
  var el = document.getElementById("pick-map"), src = document.getElementById("pick-data");
  if (el && src && window.L) {
    var data = JSON.parse(src.textContent), form = el.closest("form"), map, marker;
    var set = function (name, v) { form.querySelector("[name=" + name + "]").value = v; };
    var status = document.getElementById("pick-status");
    var start = function () {
      if (map) return;
      if (data.plan) {
        map = L.map(el, { crs: L.CRS.Simple, minZoom: -2, attributionControl: false });
        L.imageOverlay(data.plan, [[0, 0], [1000, 1000]]).addTo(map);
        map.fitBounds([[0, 0], [1000, 1000]]);
      } else {
        map = L.map(el, { attributionControl: false }).setView(data.center, 18);
        (data.points || []).forEach(function (p) {
          L.circleMarker([p.lat, p.lng], { radius: 7, color: "#5f6b76", fillColor: "#cfd6dd", fillOpacity: .9 })
            .bindTooltip(text(p.name), { permanent: true, direction: "right", className: "map-label" }).addTo(map);
        });
      }
      map.on("click", function (e) {
        if (marker) marker.setLatLng(e.latlng); else marker = L.marker(e.latlng).addTo(map);
        if (data.plan) {
          set("plan_x", Math.min(1, Math.max(0, e.latlng.lng / 1000)).toFixed(4));
          set("plan_y", Math.min(1, Math.max(0, 1 - e.latlng.lat / 1000)).toFixed(4));
        } else {
          set("lat", e.latlng.lat.toFixed(6)); set("lng", e.latlng.lng.toFixed(6));
        }
        status.textContent = el.getAttribute("data-picked") || "";
      });
    };
    el.closest("details").addEventListener("toggle", function () { start(); setTimeout(function () { if (map) map.invalidateSize(); }, 50); });
    document.getElementById("pick-clear").addEventListener("click", function () {
      ["lat", "lng", "plan_x", "plan_y"].forEach(function (n) { set(n, ""); });
      if (marker) { map.removeLayer(marker); marker = null; }
    });
  }
  var box = document.getElementById("id_text"), out = document.getElementById("dup-suggestions"), timer;
  var url = out && out.getAttribute("data-url");
  if (!box || !out || !url || !window.htmx) return;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      window.htmx.ajax("GET", url + "?text=" + encodeURIComponent(box.value), { target: out, swap: "innerHTML" });
    }, 600);
  });
});
