// The network map on /insights/network/: positions come computed from the server
// (GET /api/v1/insights/network/map); sigma draws them with WebGL, so ten thousand people stay
// smooth to pan and zoom. Colour by found community or by department; clicking a person keeps
// only them and the people they talk to in colour, and names them below the map. People who
// chose not to be named are drawn without a name and cannot be selected.

const root = document.querySelector("[data-network-map]");
const selected = document.querySelector("[data-map-selected]");
const legend = document.querySelector("[data-map-legend]");
const PALETTE = [
  "#1f6feb", "#d9480f", "#2f9e44", "#ae3ec9", "#e8590c", "#0c8599",
  "#c2255c", "#5c940d", "#6741d9", "#f08c00", "#1098ad", "#868e96",
];
const FADED = "#d0d5db";

function colourKeys(nodes, by) {
  // The biggest groups get the first colours; the rest share grey.
  const sizes = new Map();
  for (const n of nodes) {
    const key = by === "department" ? n.department || "No department" : `Community ${n.community + 1}`;
    sizes.set(key, (sizes.get(key) || 0) + 1);
  }
  const ranked = [...sizes.entries()].sort((a, b) => b[1] - a[1]);
  const colours = new Map(ranked.map(([key], i) => [key, PALETTE[Math.min(i, PALETTE.length - 1)]]));
  return { colours, ranked };
}

function keyOf(n, by) {
  return by === "department" ? n.department || "No department" : `Community ${n.community + 1}`;
}

function drawLegend(ranked, colours) {
  legend.replaceChildren();
  for (const [key, count] of ranked.slice(0, PALETTE.length - 1)) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = "map-swatch";
    swatch.style.background = colours.get(key);
    item.append(swatch, `${key} (${count})`);
    legend.append(item);
  }
}

async function start() {
  if (!root || typeof Sigma === "undefined" || typeof graphology === "undefined") return;
  const response = await fetch(root.dataset.mapUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  const data = await response.json();
  const graph = new graphology.Graph({ type: "undirected" });
  const strongest = Math.max(1, ...data.nodes.map((n) => n.strength));
  const byId = new Map();
  for (const n of data.nodes) {
    byId.set(String(n.node), n);
    graph.addNode(String(n.node), {
      x: n.x,
      y: n.y,
      size: 2 + 8 * Math.sqrt(n.strength / strongest),
      label: n.display_name || "",
    });
  }
  for (const [a, b, weight] of data.ties) {
    const source = String(a);
    const target = String(b);
    if (graph.hasNode(source) && graph.hasNode(target) && !graph.hasEdge(source, target)) {
      graph.addEdge(source, target, { size: 0.4 + Math.log1p(weight) / 3, color: "#b8c0c8" });
    }
  }
  let by = "community";
  let focus = null;
  let palette = colourKeys(data.nodes, by);
  const colour = (id) => palette.colours.get(keyOf(byId.get(id), by));
  graph.forEachNode((id) => graph.setNodeAttribute(id, "color", colour(id)));
  drawLegend(palette.ranked, palette.colours);

  const renderer = new Sigma(graph, root, {
    labelRenderedSizeThreshold: 7,
    zIndex: true,
    nodeReducer: (id, attrs) => {
      if (focus === null || id === focus || graph.areNeighbors(id, focus)) return attrs;
      return { ...attrs, color: FADED, label: "", zIndex: 0 };
    },
    edgeReducer: (id, attrs) => {
      if (focus === null || graph.hasExtremity(id, focus)) return attrs;
      return { ...attrs, hidden: true };
    },
  });

  renderer.on("clickNode", ({ node }) => {
    const person = byId.get(node);
    if (!person || !person.username) return;
    focus = focus === node ? null : node;
    if (focus === null) {
      selected.textContent = "";
    } else {
      const link = document.createElement("a");
      link.href = `/people/${encodeURIComponent(person.username)}/`;
      link.textContent = person.display_name;
      selected.replaceChildren(
        link,
        ` (${person.department || "no department"}, community ${person.community + 1}) talks with ${graph.degree(node)} people on the map.`,
      );
    }
    renderer.refresh();
  });
  renderer.on("clickStage", () => {
    focus = null;
    selected.textContent = "";
    renderer.refresh();
  });

  for (const input of document.querySelectorAll('input[name="colour"]')) {
    input.addEventListener("change", () => {
      by = input.value;
      palette = colourKeys(data.nodes, by);
      graph.forEachNode((id) => graph.setNodeAttribute(id, "color", colour(id)));
      drawLegend(palette.ranked, palette.colours);
      renderer.refresh();
    });
  }
}

start();
