/*
 * The cohort map. Leaflet draws Canada's outline from Natural Earth's TopoJSON (the
 * world-atlas package, served by the portal) so the map works with no tile server and no
 * internet access; a tile layer is added only when the portal is configured with one.
 * Each community is a marker that is a real link to its profile: keyboard users tab
 * through the markers, and screen readers hear the community's name, province and cohort.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var CANADA = "124"; // ISO 3166-1 numeric code, the feature id in world-atlas
  var CANADA_BOUNDS = [[41.7, -141.0], [70.0, -52.6]];

  function shapeElement(shape, colour) {
    var element;
    if (shape === "square") {
      element = document.createElementNS(SVG_NS, "rect");
      element.setAttribute("x", "4");
      element.setAttribute("y", "4");
      element.setAttribute("width", "16");
      element.setAttribute("height", "16");
    } else if (shape === "triangle") {
      element = document.createElementNS(SVG_NS, "polygon");
      element.setAttribute("points", "12,3 22,21 2,21");
    } else if (shape === "diamond") {
      element = document.createElementNS(SVG_NS, "polygon");
      element.setAttribute("points", "12,2 22,12 12,22 2,12");
    } else {
      element = document.createElementNS(SVG_NS, "circle");
      element.setAttribute("cx", "12");
      element.setAttribute("cy", "12");
      element.setAttribute("r", "9");
    }
    element.setAttribute("fill", colour);
    element.setAttribute("stroke", "#ffffff");
    element.setAttribute("stroke-width", "2");
    return element;
  }

  // Built with DOM calls, never as an HTML string: names come from the database.
  function markerLink(point, group) {
    var link = document.createElement("a");
    link.className = "cohort-marker-link";
    link.href = point.url;
    link.setAttribute("aria-label", point.label);
    link.title = point.label;
    link.dataset.group = point.group;
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.appendChild(shapeElement(group.shape, group.colour));
    link.appendChild(svg);
    return link;
  }

  function drawOutline(map, element) {
    fetch(element.dataset.outlineUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("outline " + response.status);
        }
        return response.json();
      })
      .then(function (world) {
        var countries = window.topojson.feature(world, world.objects.countries);
        L.geoJSON(countries, {
          interactive: false,
          style: function (feature) {
            return feature.id === CANADA
              ? { color: "#5b6770", weight: 1, fillColor: "#fbfaf6", fillOpacity: 1 }
              : { color: "#9aa3a9", weight: 0.5, fillColor: "#e4e6e3", fillOpacity: 1 };
          },
        }).addTo(map);
        element.dataset.outline = "ready";
      })
      .catch(function () {
        element.dataset.outline = "failed";
      });
  }

  function init() {
    var element = document.getElementById("cohort-map");
    if (!element || !window.L || !window.topojson) {
      return;
    }
    var config = JSON.parse(document.getElementById(element.dataset.config).textContent);
    var map = L.map(element, {
      zoomControl: false,
      minZoom: 2,
      maxZoom: 12,
      zoomSnap: 0.25,
      worldCopyJump: false,
    });
    L.control
      .zoom({ zoomInTitle: config.i18n.zoomIn, zoomOutTitle: config.i18n.zoomOut })
      .addTo(map);
    map.attributionControl.setPrefix(false);
    if (config.tiles.url) {
      L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution }).addTo(map);
    } else {
      drawOutline(map, element);
    }

    var groups = {};
    config.groups.forEach(function (group) {
      groups[group.key] = group;
    });
    var bounds = [];
    config.points.forEach(function (point) {
      var group = groups[point.group];
      var icon = L.divIcon({
        className: "cohort-marker",
        html: markerLink(point, group),
        iconSize: [24, 24],
        iconAnchor: [12, 12],
      });
      // Not interactive for Leaflet: the link inside the icon takes the click and the focus,
      // so a marker is one focusable element, not a button wrapping a link.
      L.marker([point.lat, point.lng], { icon: icon, interactive: false, keyboard: false })
        .addTo(map);
      bounds.push([point.lat, point.lng]);
    });
    map.fitBounds(bounds.length ? L.latLngBounds(bounds).pad(0.1) : CANADA_BOUNDS);
    element.dataset.markers = String(config.points.length);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
