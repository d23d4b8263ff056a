/* The auditor's replay: steps through a ticket's events with the bpmn-js NavigatedViewer
 * showing, after each one, the steps done, the path taken and where the ticket stood.
 * The page lists every event with its data already (server-rendered, escaped); this script
 * shows one at a time and marks the diagram from /audit/tiket/<id>/replay.json.
 * #replay gets data-ready="true" once drawn ("error" if it cannot be) and data-frame set to
 * the shown event's sequence number. No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var MARKERS = ['done', 'taken', 'current'];

  function Replay(root, data) {
    this.root = root;
    this.data = data;
    this.frames = root.querySelectorAll('.replay-frame');
    this.index = -1;
    this.version = null;
    this.marked = [];
    this.viewer = new window.BpmnJS({ container: root.querySelector('#replay-diagram') });
  }

  Replay.prototype.load = function (version) {
    var self = this;
    if (version === self.version) {
      return Promise.resolve();
    }
    var xml = self.data.diagrams[version];
    if (typeof xml !== 'string') {
      return Promise.reject(new Error('no diagram for version ' + version));
    }
    self.marked = [];
    return self.viewer.importXML(xml).then(function () {
      self.version = version;
      self.viewer.get('canvas').zoom('fit-viewport');
    });
  };

  Replay.prototype.mark = function (frame) {
    var canvas = this.viewer.get('canvas');
    var registry = this.viewer.get('elementRegistry');
    this.marked.forEach(function (pair) {
      canvas.removeMarker(pair[0], pair[1]);
    });
    this.marked = [];
    var lists = { done: frame.completed, taken: frame.taken_flows, current: frame.current };
    var self = this;
    MARKERS.forEach(function (marker) {
      (lists[marker] || []).forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, marker);
          self.marked.push([id, marker]);
        }
      });
    });
  };

  Replay.prototype.show = function (index) {
    var self = this;
    var count = self.data.frames.length;
    if (count === 0) {
      return Promise.resolve();
    }
    index = Math.max(0, Math.min(count - 1, index));
    var frame = self.data.frames[index];
    self.index = index;
    Array.prototype.forEach.call(self.frames, function (article) {
      article.hidden = Number(article.getAttribute('data-index')) !== index;
    });
    self.root.querySelector('#replay-seq').textContent = String(index + 1);
    self.root.querySelector('#replay-jump').value = String(index);
    self.root.querySelector('#replay-first').disabled = index === 0;
    self.root.querySelector('#replay-prev').disabled = index === 0;
    self.root.querySelector('#replay-next').disabled = index === count - 1;
    self.root.querySelector('#replay-last').disabled = index === count - 1;
    return self.load(frame.version).then(function () {
      if (self.index !== index) {
        return;  // a later click won while the diagram was loading
      }
      self.mark(frame);
      self.root.setAttribute('data-frame', String(frame.seq));
      self.root.setAttribute('data-ready', 'true');
    });
  };

  function fail(root, error) {
    if (window.console && error) {
      window.console.error('replay:', error);
    }
    var container = root.querySelector('#replay-diagram');
    container.textContent = '';
    var message = document.createElement('p');
    message.className = 'diagram-error';
    message.textContent = root.getAttribute('data-error-message') || 'Diagram error';
    container.appendChild(message);
    container.setAttribute('data-ready', 'error');
    root.setAttribute('data-ready', 'error');
  }

  function wire(root, replay) {
    var steps = {
      first: function () { return 0; },
      prev: function () { return replay.index - 1; },
      next: function () { return replay.index + 1; },
      last: function () { return replay.data.frames.length - 1; }
    };
    Array.prototype.forEach.call(root.querySelectorAll('[data-step]'), function (button) {
      if (button.tagName !== 'BUTTON') {
        return;
      }
      button.addEventListener('click', function () {
        replay.show(steps[button.getAttribute('data-step')]()).catch(function (error) {
          fail(root, error);
        });
      });
    });
    root.querySelector('#replay-jump').addEventListener('change', function (event) {
      replay.show(Number(event.target.value)).catch(function (error) {
        fail(root, error);
      });
    });
    root.addEventListener('keydown', function (event) {
      if (event.target.tagName === 'SELECT') {
        return;
      }
      var move = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (move) {
        event.preventDefault();
        replay.show(replay.index + move).catch(function (error) {
          fail(root, error);
        });
      }
    });
  }

  function start() {
    var root = document.getElementById('replay');
    if (!root) {
      return;
    }
    var source = root.getAttribute('data-source');
    if (!source || typeof window.BpmnJS !== 'function' || typeof window.fetch !== 'function') {
      fail(root, new Error('no replay source or no viewer'));
      return;
    }
    root.setAttribute('data-ready', 'loading');
    window.fetch(source, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('GET ' + source + ': ' + response.status);
      }
      return response.json();
    }).then(function (data) {
      var replay = new Replay(root, data);
      wire(root, replay);
      root.querySelector('#replay-diagram').setAttribute('data-ready', 'true');
      return replay.show(data.frames.length - 1);
    }).catch(function (error) {
      fail(root, error);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
