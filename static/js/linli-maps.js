/* Maps of a committee, a street or a district (templates/maps/map.html).

   The page gives its settings through json_script (#map-config); the layers come from the
   scoped GeoJSON endpoint named there. No tile server is needed: the base layer is the
   registry's own geometry (compound outlines, buildings). A tile layer is added only when the
   deployment configured LINLI_MAP_TILE_URL.

   Every text that comes from records (names, need texts, project titles) is put into the page
   with textContent on DOM nodes handed to Leaflet, never as an HTML string. */
(function () {
  "use strict";
  var el = document.getElementById("linli-map");
  if (!el || !window.L) return;
  var source = document.getElementById(el.getAttribute("data-map-config"));
  if (!source) return;
  var config = JSON.parse(source.textContent);
  var status = document.getElementById("map-status");
  var setStatus = function (s) { if (status) status.textContent = s; };

  var STAGE_COLOURS = {
    needs: "#d97706", diagnosis: "#2563eb", decision: "#7c3aed", funding: "#db2777",
    implementation: "#ea580c", acceptance: "#059669", evaluation: "#0d9488", done: "#6b7280"
  };
  var KIND_COLOURS = { microspace: "#15803d", need: "#c8102e", facility: "#1d4ed8" };

  var node = function (tag, text, className) {
    var n = document.createElement(tag);
    if (text != null) n.textContent = String(text);
    if (className) n.className = className;
    return n;
  };
  var sameSite = function (url) { return typeof url === "string" && /^\/(?![\/\\])/.test(url); };
  var escapeText = function (s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  };

  // A popup is a DOM node built with textContent: a need text "<img onerror=…>" stays text.
  var popup = function (p) {
    var div = node("div", null, "map-popup");
    var title;
    if (sameSite(p.url)) { title = node("a", p.name); title.href = p.url; }
    else { title = node("strong", p.name); }
    div.appendChild(title);
    if (p.label) div.appendChild(node("div", p.label, "map-popup-label"));
    if (p.place) div.appendChild(node("div", p.place, "map-popup-label"));
    if (p.date) div.appendChild(node("div", p.date, "map-popup-label"));
    if (p.gaps && p.gaps.length) div.appendChild(node("div", "生活圈缺项：" + p.gaps.join("、"), "map-popup-gap"));
    return div;
  };

  var pin = function (latlng, kind, colour) {
    return L.marker(latlng, {
      icon: L.divIcon({ className: "map-pin map-pin-" + kind, iconSize: [16, 16], iconAnchor: [8, 8], html: "" }),
      keyboard: true
    }).on("add", function () {
      var icon = this.getElement && this.getElement();
      if (icon) icon.style.background = colour;
    });
  };

  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25, maxZoom: 19, minZoom: 8, attributionControl: !!config.tile_url });
  var baseLayers = {};
  var offline = L.layerGroup().addTo(map); // the registry's own geometry is always the base
  if (config.tile_url) {
    var tiles = L.tileLayer(config.tile_url, {
      maxZoom: 19,
      attribution: config.tile_attribution ? escapeText(config.tile_attribution) : ""
    });
    baseLayers["无底图（登记数据）"] = L.layerGroup();
    baseLayers["在线底图"] = tiles.addTo(map);
  }

  var cluster = function () {
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: config.scale === "district" ? 60 : 40,
      disableClusteringAtZoom: 18,
      chunkedLoading: true
    });
  };

  var fill = function (data) {
    var layers = data.layers;
    var overlays = {};
    var count = function (fc) { return (fc && fc.features) ? fc.features.length : 0; };

    var outlines = L.geoJSON(layers.outlines, {
      style: function (f) {
        return {
          color: "#5f6b76", weight: 1.5, fillColor: "#dfe6ec", fillOpacity: 0.55,
          dashArray: f.properties.outline === "square" ? "4 4" : null
        };
      },
      onEachFeature: function (f, lyr) {
        lyr.bindTooltip(node("span", f.properties.name), { direction: "center", className: "map-label" });
        lyr.bindPopup(function () {
          var d = popup({ name: f.properties.name, label: f.properties.label });
          d.appendChild(node("div", f.properties.outline === "hull"
            ? "轮廓由 " + f.properties.buildings + " 栋楼的位置推算" : "无楼栋坐标，按小区中心示意", "map-popup-label"));
          return d;
        });
      }
    }).addTo(offline);

    if (data.buildings_shown) {
      var buildings = L.geoJSON(layers.buildings, {
        pointToLayer: function (f, latlng) {
          var gap = f.properties.gaps && f.properties.gaps.length;
          return L.circleMarker(latlng, {
            radius: 5, weight: gap ? 2.5 : 1, color: gap ? "#c8102e" : "#5f6b76",
            fillColor: "#ffffff", fillOpacity: 0.95
          });
        },
        onEachFeature: function (f, lyr) { lyr.bindPopup(function () { return popup(f.properties); }); }
      }).addTo(offline);
      overlays["楼栋（" + count(layers.buildings) + "）"] = buildings;
    }

    var points = function (fc, kind, colourOf) {
      var group = cluster();
      var markers = [];
      (fc.features || []).forEach(function (f) {
        var c = f.geometry.coordinates;
        var m = pin([c[1], c[0]], kind, colourOf(f.properties));
        m.bindPopup(function () { return popup(f.properties); });
        // on a phone a tap opens the popup; a tooltip would sit on top of it
        if (!L.Browser.mobile) m.bindTooltip(node("span", f.properties.name), { direction: "top", offset: [0, -8] });
        markers.push(m);
      });
      group.addLayers(markers);
      return group;
    };
    var micro = points(layers.microspaces, "microspace", function () { return KIND_COLOURS.microspace; });
    var needs = points(layers.needs, "need", function () { return KIND_COLOURS.need; });
    var projects = points(layers.projects, "project", function (p) { return STAGE_COLOURS[p.stage] || "#444"; });
    var facilities = points(layers.facilities, "facility", function () { return KIND_COLOURS.facility; });
    overlays["小微空间（" + count(layers.microspaces) + "）"] = micro.addTo(map);
    overlays["居民需求（" + count(layers.needs) + "）"] = needs.addTo(map);
    overlays["项目（" + count(layers.projects) + "）"] = projects.addTo(map);
    overlays["公共设施（" + count(layers.facilities) + "）"] = facilities.addTo(map);

    // Life circle: walking reach around each facility, and the buildings left outside.
    var reach = L.layerGroup();
    (layers.facilities.features || []).forEach(function (f) {
      if (!f.properties.reach_m) return;
      var c = f.geometry.coordinates;
      L.circle([c[1], c[0]], {
        radius: f.properties.reach_m, color: "#1d4ed8", weight: 1, dashArray: "5 5",
        fill: false, interactive: false
      }).addTo(reach);
    });
    var gapLayer = L.geoJSON(data.life_circle.gap_points, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 3 + Math.min(f.properties.gaps, 6), color: "#c8102e", weight: 1, fillOpacity: 0.35 });
      },
      onEachFeature: function (f, lyr) {
        lyr.bindPopup(function () { return popup({ name: "生活圈缺项", label: f.properties.name }); });
      }
    });
    overlays["生活圈步行范围"] = reach;
    overlays["生活圈缺口楼栋（" + count(data.life_circle.gap_points) + "）"] = gapLayer;
    if (config.scale !== "district") reach.addTo(map);

    L.control.layers(config.tile_url ? baseLayers : null, overlays, { collapsed: window.innerWidth < 700 }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);

    if (data.bounds) map.fitBounds(data.bounds, { padding: [20, 20], maxZoom: 18 });
    else map.setView([31.23, 121.47], 12);

    // the legend of stages and the life-circle table, as text
    var stages = document.getElementById("map-stages");
    if (stages) {
      data.stages.forEach(function (s) {
        var li = node("li");
        var sw = node("span", null, "swatch");
        sw.style.background = STAGE_COLOURS[s.stage] || "#444";
        li.appendChild(sw);
        li.appendChild(node("span", s.label));
        stages.appendChild(li);
      });
    }
    var lc = data.life_circle;
    var rows = document.getElementById("map-lifecircle-rows");
    if (rows && lc.buildings) {
      lc.by_kind.forEach(function (k) {
        var tr = node("tr");
        tr.appendChild(node("td", k.label));
        tr.appendChild(node("td", k.threshold_m + " 米"));
        tr.appendChild(node("td", k.coverage == null ? "—" : k.coverage + "%"));
        tr.appendChild(node("td", k.outside));
        rows.appendChild(tr);
      });
      document.getElementById("map-lifecircle-summary").textContent =
        "已定位楼栋 " + lc.buildings + " 栋，其中 " + lc.with_gaps + " 栋至少缺一类设施。";
      document.getElementById("map-lifecircle-source").textContent = "标准：" + lc.source;
      document.getElementById("map-lifecircle").hidden = false;
    }
    setStatus(
      data.committees + " 个居委会 · 小区轮廓 " + count(layers.outlines) +
      (data.buildings_shown ? " · 楼栋 " + count(layers.buildings) : " · 区级地图不逐栋显示楼栋") +
      " · 小微空间 " + count(layers.microspaces) + " · 需求 " + count(layers.needs) +
      " · 项目 " + count(layers.projects) + " · 设施 " + count(layers.facilities)
    );
    el.setAttribute("data-ready", "1");
  };

  fetch(config.data_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    })
    .then(fill)
    .catch(function (e) {
      if (window.console) console.error(e);
      setStatus("地图数据加载失败（" + ((e && e.message) || String(e)) + "），请稍后刷新重试。");
    });
})();
