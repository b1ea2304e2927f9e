// written by wxrtool: a remark plugin that keeps the posts' images as WordPress had them.
//
// Astro takes an image in Markdown whose address is relative (photo.jpg) for a file it
// must find beside the post and resize, and fails the build when it is not there; the
// converted posts link to the old site's files, or to the media placed in public/. So
// each image becomes the <img> it stands for before Astro looks for files.

const escape = (text) =>
  String(text ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

const tag = (url, alt, title) =>
  `<img src="${escape(url)}" alt="${escape(alt)}"${title ? ` title="${escape(title)}"` : ""}>`;

export default function imagesAsWritten() {
  return (tree) => {
    const definitions = new Map();
    const nodes = [tree];
    const images = [];
    // (A loop, not recursion: a deeply nested post cannot exhaust the stack.)
    while (nodes.length > 0) {
      const node = nodes.pop();
      if (node.type === "definition") definitions.set(node.identifier, node);
      if (node.type === "image" || node.type === "imageReference") images.push(node);
      if (Array.isArray(node.children)) nodes.push(...node.children);
    }
    for (const node of images) {
      const target = node.type === "image" ? node : definitions.get(node.identifier);
      if (target === undefined) continue; // ("![a][b]" without a definition is text)
      node.value = tag(target.url, node.alt, target.title);
      node.type = "html";
      delete node.identifier;
      delete node.label;
      delete node.referenceType;
    }
  };
}
