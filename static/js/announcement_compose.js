// The announcement composer's targeting lists (announcements/_picker.html): a filter box
// above each list hides the options that do not match what is typed, and the legend says how
// many are ticked. The lists work without this file; it only helps with long ones.

for (const picker of document.querySelectorAll("[data-picker]")) {
  const filter = picker.querySelector("[data-picker-filter]");
  const options = [...picker.querySelectorAll(".ann-option")];
  const count = picker.querySelector("[data-picker-count]");
  const showCount = () => {
    const ticked = options.filter((o) => o.querySelector("input").checked).length;
    if (count) count.textContent = ticked ? `(${ticked} ticked)` : "";
  };
  picker.addEventListener("change", showCount);
  showCount();
  if (!filter || options.length < 8) continue;
  filter.hidden = false;
  filter.addEventListener("input", () => {
    const wanted = filter.value.trim().toLowerCase();
    for (const option of options) {
      option.closest("li").hidden = wanted !== "" && !option.textContent.toLowerCase().includes(wanted);
    }
  });
}
