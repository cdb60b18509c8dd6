/* Kepu: a filter box above long pickers (a county has ~90 teams and ~90 villages).
 *
 * Every <select data-searchable> and every checkbox group marked data-searchable gets a
 * labelled search box: typing keeps the options whose text, or whose group's (a township's)
 * name, holds what was typed, Chinese included; a count says how many are left. Selected and
 * checked options always stay, so nothing chosen is lost or left out of the form. Arrow down
 * moves to the list; Enter picks the only option left; Escape clears the box. Without this
 * script the lists work as before, grouped by township on the server.
 *
 * A list of fewer than 10 options (data-min of the script tag) is left alone: a box above
 * a handful of options is only in the way. Texts come translated from the script tag:
 * data-label ("Filter the list"), data-count ("{n} of {total} shown").
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var words = (script && script.dataset) || {};
  var seq = 0;
  var least = parseInt(words.min, 10) || 10;

  function norm(text) {
    return (text || "").toLocaleLowerCase().replace(/\s+/g, "");
  }

  function makeBox(target) {
    var id = (target.id || "picker-" + ++seq) + "-filter";
    var wrap = document.createElement("div");
    wrap.className = "picker-filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = words.label || "Filter the list";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    input.setAttribute("enterkeyhint", "done");
    if (target.id) input.setAttribute("aria-controls", target.id);
    var status = document.createElement("small");
    status.className = "hint";
    status.id = id + "-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    wrap.append(label, input, status);
    return { wrap: wrap, input: input, status: status };
  }

  function say(box, shown, total, query) {
    box.status.textContent = query
      ? (words.count || "{n} of {total} shown").replace("{n}", shown).replace("{total}", total)
      : "";
  }

  // Run `filter` as the user types, but not between the keys of a Chinese input method.
  function listen(box, filter, pickOnly, focusList) {
    var composing = false;
    box.input.addEventListener("compositionstart", function () { composing = true; });
    box.input.addEventListener("compositionend", function () { composing = false; filter(); });
    box.input.addEventListener("input", function () { if (!composing) filter(); });
    box.input.addEventListener("keydown", function (event) {
      if (composing || event.isComposing) return;
      if (event.key === "Enter") {
        event.preventDefault(); // a filter box never submits the form
        pickOnly();
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        focusList();
      } else if (event.key === "Escape" && box.input.value) {
        event.preventDefault();
        box.input.value = "";
        filter();
      }
    });
  }

  // A select: options that do not match are taken out of the list (hidden options still
  // show in some phones' pickers) and put back, in their places, when they match again.
  function enhanceSelect(select) {
    var groups = Array.prototype.map.call(select.children, function (child) {
      return child.tagName === "OPTGROUP"
        ? { el: child, options: Array.prototype.slice.call(child.children) }
        : { el: null, options: [child] };
    });
    var box = makeBox(select);
    select.parentNode.insertBefore(box.wrap, select);
    var visible = [];

    function filter() {
      var query = norm(box.input.value);
      var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
      var shown = 0;
      var total = 0;
      visible = [];
      var nodes = [];
      groups.forEach(function (group) {
        var groupHit = query && group.el && norm(group.el.label).indexOf(query) >= 0;
        var keep = group.options.filter(function (option) {
          if (option.value === "") return true; // the "Choose…" / "All" option stays
          total += 1;
          var hit = !query || groupHit || norm(option.textContent).indexOf(query) >= 0;
          if (hit) {
            shown += 1;
            visible.push(option);
          }
          return hit || option.selected;
        });
        if (group.el) {
          group.el.replaceChildren.apply(group.el, keep);
          if (keep.length) nodes.push(group.el);
        } else {
          nodes.push.apply(nodes, keep);
        }
      });
      select.replaceChildren.apply(select, nodes);
      chosen.forEach(function (option) { option.selected = true; });
      say(box, shown, total, query);
    }

    listen(
      box,
      filter,
      function () {
        if (visible.length === 1 && !select.multiple) {
          select.value = visible[0].value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
        select.focus();
      },
      function () { select.focus(); }
    );
  }

  // A group of checkboxes (label.choice in optional [data-group] blocks): hidden boxes still
  // belong to the form, so hiding is enough.
  function enhanceChecks(container) {
    var list = container.querySelector(".choice-groups, .choice-list") || container;
    var box = makeBox(container);
    container.insertBefore(box.wrap, list);
    var labels = Array.prototype.slice.call(container.querySelectorAll("label.choice"));
    var blocks = Array.prototype.slice.call(container.querySelectorAll("[data-group]"));
    var visible = [];

    function filter() {
      var query = norm(box.input.value);
      var shown = 0;
      visible = [];
      labels.forEach(function (label) {
        var block = label.closest("[data-group]");
        var groupHit = query && block && norm(block.dataset.group).indexOf(query) >= 0;
        var input = label.querySelector("input");
        var hit = !query || groupHit || norm(label.textContent).indexOf(query) >= 0;
        if (hit) {
          shown += 1;
          visible.push(input);
        }
        label.hidden = !(hit || (input && input.checked));
      });
      blocks.forEach(function (block) {
        block.hidden = !block.querySelector("label.choice:not([hidden])");
      });
      say(box, shown, labels.length, query);
    }

    listen(
      box,
      filter,
      function () { if (visible.length === 1) visible[0].focus(); },
      function () { if (visible.length) visible[0].focus(); }
    );
  }

  function enhance() {
    document.querySelectorAll("[data-searchable]").forEach(function (el) {
      if (el.dataset.searchable === "on") return; // already done
      var select = el.tagName === "SELECT";
      var count = select
        ? Array.prototype.filter.call(el.options, function (o) { return o.value !== ""; }).length
        : el.querySelectorAll("label.choice").length;
      if (count < least) return;
      if (select) enhanceSelect(el);
      else enhanceChecks(el);
      el.dataset.searchable = "on";
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
})();
