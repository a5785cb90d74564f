/* Leaflet maps without a tile server: GeoJSON points on a blank map, or markers on the
   compound's site-plan image (plan_x / plan_y in 0..1) when one was uploaded. */
(function () {
  "use strict";
  if (!window.L) return;
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-map"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var features = (data.features && data.features.features) || [];
    // Leaflet inserts string content as HTML: give it DOM nodes built with textContent.
    var text = function (s) {
      var span = document.createElement("span");
      span.textContent = s == null ? "" : String(s);
      return span;
    };
    var sameSite = function (url) { return typeof url === "string" && /^\/(?![\/\\])/.test(url); };
    var popup = function (p) {
      var div = document.createElement("div");
      if (sameSite(p.url)) { var a = document.createElement("a"); a.href = p.url; a.textContent = p.name; div.appendChild(a); }
      else { div.textContent = p.name || ""; }
      if (p.label) { var s = document.createElement("small"); s.textContent = " " + p.label; div.appendChild(s); }
      return div;
    };
    if (data.plan && data.plan_points && data.plan_points.length) {
      var map = L.map(el, { crs: L.CRS.Simple, minZoom: -2, attributionControl: false });
      var bounds = [[0, 0], [1000, 1000]];
      L.imageOverlay(data.plan, bounds).addTo(map);
      data.plan_points.forEach(function (pt) {
        L.circleMarker([1000 - pt.y * 1000, pt.x * 1000], { radius: 9, color: "#c8102e", fillOpacity: .8 })
          .bindPopup(popup(pt)).addTo(map);
      });
      map.fitBounds(bounds);
      return;
    }
    if (!features.length) { el.parentNode.hidden = true; return; }
    var m = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    var layer = L.geoJSON(data.features, {
      pointToLayer: function (f, latlng) {
        var building = f.properties.kind === "building";
        return L.circleMarker(latlng, {
          radius: building ? 7 : 10, color: building ? "#5f6b76" : "#c8102e",
          fillColor: building ? "#cfd6dd" : "#c8102e", fillOpacity: .85, weight: 2
        });
      },
      onEachFeature: function (f, lyr) {
        lyr.bindPopup(popup(f.properties));
        lyr.bindTooltip(text(f.properties.name), { permanent: features.length <= 6, direction: "right", className: "map-label" });
      }
    }).addTo(m);
    var b = layer.getBounds();
    if (features.length === 1 || b.getNorthEast().equals(b.getSouthWest())) m.setView(b.getCenter(), 18);
    else m.fitBounds(b.pad(0.2));
  });
})();
