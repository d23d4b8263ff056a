/* Draws the ticket's diagram with the bpmn-js NavigatedViewer and highlights what happened:
 * `done` on completed steps, `taken` on the flows the ticket went along, `current` on the
 * steps waiting now. Sets data-ready="true" on #diagram when drawn, "error" when it cannot
 * be (the page reads the same without it). Needs diagram-common.js (window.EskalasiDiagram).
 * No inline script or style: the CSP forbids them.
 *
 * Read at page width (issue 13): the view is fitted to the path taken and the current step
 * (not the whole diagram) at a readable scale; the buttons zoom in, out and fit again; the
 * mouse wheel scrolls the page (ctrl+wheel zooms); reminder timers and their end events are
 * drawn quietly.
 */
(function () {
  'use strict';

  var diagram = window.EskalasiDiagram;
  // Below this scale labels are hard to read: a long path is shown around its current step.
  var MIN_SCALE = 0.6;
  var MAX_SCALE = 1.2;
  var ZOOM_STEP = 1.25;
  var PADDING = 40; // diagram units around the path
  var QUIET = 'quiet';

  /* The box (diagram units) around the elements with these ids, with their labels. */
  function bounds(registry, ids) {
    var box = null;
    function extend(x, y) {
      if (box === null) {
        box = { left: x, top: y, right: x, bottom: y };
        return;
      }
      box.left = Math.min(box.left, x);
      box.top = Math.min(box.top, y);
      box.right = Math.max(box.right, x);
      box.bottom = Math.max(box.bottom, y);
    }
    function add(element) {
      if (!element) {
        return;
      }
      if (element.waypoints) {
        element.waypoints.forEach(function (point) { extend(point.x, point.y); });
      } else {
        extend(element.x, element.y);
        extend(element.x + element.width, element.y + element.height);
      }
    }
    ids.forEach(function (id) {
      var element = registry.get(id);
      add(element);
      if (element && element.label) {
        add(element.label);
      }
    });
    return box;
  }

  /* Show the path taken and the current step: the whole of it when that is readable, else
   * the current step (or the path's end) at the smallest readable scale. */
  function fitPath(bpmn, view) {
    var canvas = bpmn.get('canvas');
    var registry = bpmn.get('elementRegistry');
    var current = view.current || [];
    var path = (view.completed || []).concat(view.taken_flows || [], current);
    var box = bounds(registry, path);
    if (box === null) {
      canvas.zoom('fit-viewport');
      return;
    }
    var outer = canvas.viewbox().outer;
    var width = box.right - box.left + 2 * PADDING;
    var height = box.bottom - box.top + 2 * PADDING;
    var scale = Math.min(outer.width / width, outer.height / height, MAX_SCALE);
    var focus = box;
    if (scale < MIN_SCALE) {
      scale = MIN_SCALE;
      focus = bounds(registry, current) || box;
    }
    var middleX = (focus.left + focus.right) / 2;
    var middleY = (focus.top + focus.bottom) / 2;
    canvas.viewbox({
      x: middleX - outer.width / scale / 2,
      y: middleY - outer.height / scale / 2,
      width: outer.width / scale,
      height: outer.height / scale
    });
  }

  /* Whether an element is a reminder: a boundary timer, what it leads to, and the flows. */
  function isReminder(element) {
    if (element.type === 'bpmn:BoundaryEvent') {
      return true;
    }
    var incoming = element.incoming || [];
    if (element.type === 'bpmn:SequenceFlow') {
      return Boolean(element.source) && element.source.type === 'bpmn:BoundaryEvent';
    }
    return element.type === 'bpmn:EndEvent' && incoming.length > 0 &&
      incoming.every(function (flow) {
        return flow.source && flow.source.type === 'bpmn:BoundaryEvent';
      });
  }

  /* Draw the reminders quietly (greyed), unless the ticket's path went through them. */
  function quietReminders(bpmn, view) {
    var canvas = bpmn.get('canvas');
    var onPath = {};
    (view.completed || []).concat(view.taken_flows || [], view.current || [])
      .forEach(function (id) { onPath[id] = true; });
    bpmn.get('elementRegistry').filter(function (element) {
      return !element.labelTarget && !onPath[element.id] && isReminder(element);
    }).forEach(function (element) {
      canvas.addMarker(element, QUIET);
      if (element.label) {
        canvas.addMarker(element.label, QUIET);
      }
    });
  }

  /* Ctrl+wheel (and a pinch on a touchpad) zooms at the pointer; a plain wheel is the
   * page's. */
  function zoomOnCtrlWheel(bpmn, container) {
    var canvas = bpmn.get('canvas');
    container.addEventListener('wheel', function (event) {
      if (!event.ctrlKey) {
        return;
      }
      event.preventDefault();
      var rect = container.getBoundingClientRect();
      var factor = event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP;
      canvas.zoom(canvas.zoom() * factor, {
        x: event.clientX - rect.left,
        y: event.clientY - rect.top
      });
    }, { passive: false });
  }

  /* The zoom in / zoom out / fit buttons of the figure, shown once the diagram is drawn. */
  function bindTools(bpmn, view, container) {
    var figure = container.closest('figure');
    var tools = figure && figure.querySelector('.diagram-tools');
    if (!tools) {
      return;
    }
    var canvas = bpmn.get('canvas');
    var actions = {
      'in': function () { canvas.zoom(canvas.zoom() * ZOOM_STEP, 'auto'); },
      'out': function () { canvas.zoom(canvas.zoom() / ZOOM_STEP, 'auto'); },
      'fit': function () { fitPath(bpmn, view); }
    };
    tools.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-zoom]');
      var action = button && actions[button.getAttribute('data-zoom')];
      if (action) {
        action();
      }
    });
    tools.hidden = false;
  }

  function draw(container, view) {
    var bpmn = diagram.viewer(container, { zoomScroll: { enabled: false } });
    return bpmn.importXML(view.xml).then(function () {
      diagram.markPath(bpmn, view);
      quietReminders(bpmn, view);
      fitPath(bpmn, view);
      zoomOnCtrlWheel(bpmn, container);
      bindTools(bpmn, view, container);
      container.setAttribute('data-ready', 'true');
    });
  }

  function start() {
    var container = document.getElementById('diagram');
    if (!container) {
      return;
    }
    var message = container.getAttribute('data-error-message');
    var fail = function (error) {
      diagram.showError(container, message, error, 'ticket diagram');
    };
    var source = container.getAttribute('data-source');
    if (!diagram.canDraw(source)) {
      fail(new Error('no diagram source or no viewer'));
      return;
    }
    container.setAttribute('data-ready', 'loading');
    diagram.fetchJson(source).then(function (view) {
      if (!view || typeof view.xml !== 'string') {
        throw new Error('the answer has no diagram');
      }
      return draw(container, view);
    }).catch(fail);
  }

  diagram.onReady(start);
}());
