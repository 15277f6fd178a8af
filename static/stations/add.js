// Byeol "Add to station" (library and player pages, for those who may run stations):
// each `button.add-to-station[data-track-id]` queues its track on the picked station.
"use strict";

(() => {
  const adder = document.querySelector("[data-station-adder]");
  if (!adder) return;
  const picker = adder.querySelector(".station-picker");
  const statusBox = adder.querySelector(".status");
  const token = adder.querySelector("[name=csrfmiddlewaretoken]").value;

  function setStatus(text, state) {
    statusBox.textContent = text;
    statusBox.dataset.state = state;
  }

  function stationName() {
    if (picker.selectedOptions) return picker.selectedOptions[0].textContent;
    return picker.dataset.name || "the station";
  }

  async function add(button) {
    const label = button.textContent;
    button.disabled = true;
    try {
      const response = await fetch(picker.value, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ track_ids: [Number(button.dataset.trackId)] }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error || `the server answered ${response.status}`);
      const waiting = body.queue.length === 1 ? "1 track" : `${body.queue.length} tracks`;
      setStatus(
        `Added “${button.dataset.title}” to ${stationName()} (${waiting} in the queue${body.playing ? "" : ", not playing"}).`,
        "saved",
      );
      button.textContent = "Added ✓";
      window.setTimeout(() => { button.textContent = label; }, 2000);
    } catch (error) {
      setStatus(`Not added: ${error.message}`, "error");
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.add-to-station");
    if (button) add(button);
  });
})();
