/* Peta panas: draws the process version's diagram with the bpmn-js NavigatedViewer, colours
 * and thickens each sequence flow by the tickets that went along it (markers heat-0 ...
 * heat-5, web/static/css/heatmap.css), puts the count beside each flow taken and a badge
 * with the median and p90 working time on each step's node. Reads its data from the
 * #heatmap box's data-source (JSON: bpmn_xml, flows, steps). Sets data-ready="true" when
 * drawn, "error" when it cannot be (the steps' table beside it reads the same).
 * Needs diagram-common.js (window.EskalasiDiagram). No inline script or style (the CSP).
 */
(function () {
  'use strict';

  var diagram = window.EskalasiDiagram;
  var LEVELS = 5;

  /* The heat level (1..LEVELS) of a count against the largest count; 0 for none. */
  function level(count, most) {
    if (!count || !most) {
      return 0;
    }
    return Math.max(1, Math.ceil((count / most) * LEVELS));
  }

  function hours(value) {
    return (Math.round(value * 10) / 10).toLocaleString('id-ID');
  }

  function badge(className, text) {
    var element = document.createElement('div');
    element.className = className;
    element.textContent = text;
    return element;
  }

  /* Markers and overlays on the drawn diagram; returns how many were added. */
  function paint(bpmn, data, labels) {
    var registry = bpmn.get('elementRegistry');
    var canvas = bpmn.get('canvas');
    var overlays = bpmn.get('overlays');
    var flows = data.flows || {};
    var most = 0;
    Object.keys(flows).forEach(function (id) { most = Math.max(most, flows[id]); });
    var added = 0;
    registry.filter(function (element) {
      return element.type === 'bpmn:SequenceFlow';
    }).forEach(function (connection) {
      var count = flows[connection.id] || 0;
      canvas.addMarker(connection.id, 'heat-' + level(count, most));
      if (count && connection.waypoints && connection.waypoints.length) {
        overlays.add(connection.id, 'heat-count', {
          position: { top: -14, left: 0 },
          html: badge('heat-count', count + ' ' + labels.tickets)
        });
        added += 1;
      }
    });
    (data.steps || []).forEach(function (step) {
      (step.elements || []).forEach(function (id) {
        if (!registry.get(id)) {
          return;
        }
        overlays.add(id, 'heat-badge', {
          position: { bottom: 14, left: 0 },
          html: badge('heat-badge', labels.median + ' ' + hours(step.median) + ' ' +
            labels.hours + ' · ' + labels.p90 + ' ' + hours(step.p90) + ' ' + labels.hours)
        });
        added += 1;
      });
    });
    return added;
  }

  function start() {
    var container = document.getElementById('heatmap');
    if (!container) {
      return;
    }
    var source = container.getAttribute('data-source');
    var message = container.getAttribute('data-error-message');
    if (!diagram || !diagram.canDraw(source)) {
      return;
    }
    var labels = {
      median: container.getAttribute('data-median-label') || 'median',
      p90: container.getAttribute('data-p90-label') || 'p90',
      hours: container.getAttribute('data-hours-label') || 'h',
      tickets: container.getAttribute('data-tickets-label') || ''
    };
    container.setAttribute('data-ready', 'loading');
    var bpmn = diagram.viewer(container, { zoomScroll: { enabled: false } });
    diagram.fetchJson(source).then(function (data) {
      return diagram.importXml(bpmn, data.bpmn_xml).then(function () {
        container.setAttribute('data-overlays', String(paint(bpmn, data, labels)));
        container.setAttribute('data-ready', 'true');
      });
    }).catch(function (error) {
      diagram.showError(container, message, error, 'heatmap');
    });
  }

  diagram.onReady(start);
}());
