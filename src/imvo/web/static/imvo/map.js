/* The public facility maps: markers from the GeoJSON embedded in the page (json_script).
   Tiles only when the operator configured a tile server (IMVO_MAP_TILES); otherwise the
   markers stand on a plain background, so the map works without any network. */
(function () {
  "use strict";

  var ZOOM = { exact: 13, city: 10, country: 5, unknown: 3 };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.features).textContent);
    var map = L.map(element, { worldCopyJump: true });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 18,
        attribution: element.dataset.attribution || ""
      }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        marker.bindPopup(
          '<a href="' + text(p.url) + '">' + text(p.name) + "</a><br>" +
          text([p.city, p.country].filter(Boolean).join(", ")) +
          ' <small data-precision="' + text(p.precision) + '">(' + text(p.precision) + ")</small>"
        );
      }
    }).addTo(map);
    var features = data.features;
    if (features.length === 1) {
      var c = features[0].geometry.coordinates;
      map.setView([c[1], c[0]], ZOOM[features[0].properties.precision] || 5);
    } else if (features.length > 1) {
      map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 12 });
    } else {
      map.setView([20, 10], 2);
    }
    element.dataset.markers = String(features.length);
  }

  function start() {
    document.querySelectorAll("[data-map]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
