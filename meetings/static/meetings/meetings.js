/* Meetings pages: point out the visitor's own time zone, and copy the feed address. */
(function () {
  "use strict";

  function markOwnZone() {
    var table = document.querySelector(".meeting-zones");
    if (!table || table.querySelector(".own-zone")) {
      return; // the server already knows the member's zone
    }
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    var rows = table.querySelectorAll("tr[data-zones]");
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i].getAttribute("data-zones").split(" ").indexOf(zone) !== -1) {
        rows[i].classList.add("table-primary", "own-zone");
        var note = document.createElement("span");
        note.className = "own-zone-note";
        note.textContent = " (" + table.getAttribute("data-own-label") + ")";
        rows[i].querySelector("th").appendChild(note);
        return;
      }
    }
  }

  function enableCopy() {
    var buttons = document.querySelectorAll(".feed-copy");
    for (var i = 0; i < buttons.length; i += 1) {
      var button = buttons[i];
      if (!navigator.clipboard) {
        continue;
      }
      button.hidden = false;
      button.addEventListener("click", function (event) {
        var target = document.getElementById(event.currentTarget.getAttribute("data-copy-target"));
        var clicked = event.currentTarget;
        navigator.clipboard.writeText(target.value).then(function () {
          clicked.textContent = clicked.getAttribute("data-copied-label");
        });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    markOwnZone();
    enableCopy();
  });
})();
