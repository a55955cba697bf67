// The network map on /insights/network/: positions come computed from the server
// (GET /api/v1/insights/network/map); sigma draws them with WebGL, so ten thousand people stay
// smooth to pan and zoom. Colour by found community or by department; clicking a person, or
// finding them by name from the keyboard, keeps only them and the people they talk to in colour,
// and names them below the map. People who chose not to be named are drawn without a name and
// cannot be selected. When the first frame is drawn the map is marked data-state="drawn" with a
// performance mark, which the browser tests and `make bench` time.

const root = document.querySelector("[data-network-map]");
const selected = document.querySelector("[data-map-selected]");
const legend = document.querySelector("[data-map-legend]");
const find = document.querySelector("[data-map-find]");
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

// Sigma's default programs draw every person and tie as one instance of a shape, and a browser
// drawing without a graphics card (virtual desktops, thin clients: software WebGL) pays for
// each instance: ten thousand people and sixty thousand ties took two seconds a frame there.
// Plain points and one-pixel lines take a sixth of that, and ties are left out while the map
// moves (docs/performance.md, "Insights").
const LARGE_MAP = 2000;

function drawsInSoftware() {
  const gl = document.createElement("canvas").getContext("webgl");
  const info = gl && gl.getExtension("WEBGL_debug_renderer_info");
  const name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
  return /swiftshader|llvmpipe|software|basic render/i.test(name);
}

function lightSettings(people) {
  if (people <= LARGE_MAP && !drawsInSoftware()) return {};
  return {
    defaultNodeType: "point",
    nodeProgramClasses: { point: Sigma.rendering.NodePointProgram },
    defaultEdgeType: "line",
    edgeProgramClasses: { line: Sigma.rendering.EdgeLineProgram },
    hideEdgesOnMove: true,
  };
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
    ...lightSettings(data.nodes.length),
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

  requestAnimationFrame(() => {
    root.dataset.state = "drawn";
    performance.mark("network-map-drawn");
  });

  function show(node) {
    focus = node;
    if (focus === null) {
      selected.textContent = "";
    } else {
      const person = byId.get(node);
      const link = document.createElement("a");
      link.href = `/people/${encodeURIComponent(person.username)}/`;
      link.textContent = person.display_name;
      selected.replaceChildren(
        link,
        ` (${person.department || "no department"}, community ${person.community + 1}) talks with ${graph.degree(node)} people on the map.`,
      );
    }
    renderer.refresh();
  }

  renderer.on("clickNode", ({ node }) => {
    const person = byId.get(node);
    if (person && person.username) show(focus === node ? null : node);
  });

  if (find) {
    // Named people by "Name, Department" (a name alone can be shared).
    const named = new Map();
    for (const n of data.nodes) {
      if (n.username) named.set(`${n.display_name}, ${n.department || "no department"}`, String(n.node));
    }
    const choices = document.getElementById(find.getAttribute("list"));
    choices.replaceChildren(...[...named.keys()].sort().map((key) => new Option(key)));
    find.addEventListener("change", () => {
      const wanted = find.value.trim();
      if (!wanted) return show(null);
      const node = named.get(wanted);
      if (node === undefined) {
        selected.textContent = `No one called “${wanted}” is named on the map.`;
        return;
      }
      show(node);
      const at = renderer.getNodeDisplayData(node);
      if (at) renderer.getCamera().animate({ x: at.x, y: at.y, ratio: 0.25 }, { duration: 300 });
    });
  }
  renderer.on("clickStage", () => show(null));

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
