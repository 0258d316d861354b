// Reads OPDS feeds as Thorium Reader does, with Readium's r2-opds-js (npm; .ci/run installs it): OPDS 2.0
// JSON straight into its OPDSFeed model, OPDS 1.2 Atom through its OPDS 1 -> 2 converter. Prints, as JSON, what an app would show.
const fs = require("fs");
const base = process.env.R2_MODULES || "node_modules";
const need = (p) => require(require("path").resolve(base, p));
const { initGlobalConverters_OPDS } = need("r2-opds-js/dist/es8-es2017/src/opds/init-globals");
const { initGlobalConverters_GENERIC, initGlobalConverters_SHARED } = need("r2-shared-js/dist/es8-es2017/src/init-globals");
const { OPDSFeed } = need("r2-opds-js/dist/es8-es2017/src/opds/opds2/opds2");
const { OPDS } = need("r2-opds-js/dist/es8-es2017/src/opds/opds1/opds");
const { convertOpds1ToOpds2 } = need("r2-opds-js/dist/es8-es2017/src/opds/converter");
const { TaJsonDeserialize } = need("r2-lcp-js/dist/es8-es2017/src/serializable");
const { XML } = need("r2-utils-js/dist/es8-es2017/src/_utils/xml-js-mapper");
const { DOMParser } = need("@xmldom/xmldom");
initGlobalConverters_OPDS(); initGlobalConverters_SHARED(); initGlobalConverters_GENERIC();

const rels = (link) => [].concat(link.Rel || []);
const out = {};
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, "utf8");
  const feed = file.endsWith(".json")
    ? TaJsonDeserialize(JSON.parse(text), OPDSFeed)
    : convertOpds1ToOpds2(XML.deserialize(new DOMParser().parseFromString(text, "application/xml"), OPDS));
  out[file] = {
    links: (feed.Links || []).map((l) => ({ rel: rels(l), href: l.Href })),
    publications: (feed.Publications || []).map((p) => ({
      title: p.Metadata.Title,
      identifier: p.Metadata.Identifier || null,
      authors: (p.Metadata.Author || []).map((a) => a.Name),
      published: p.Metadata.PublicationDate ? new Date(p.Metadata.PublicationDate).toISOString() : null,
      images: (p.Images || []).map((i) => ({ rel: rels(i), href: i.Href, width: i.Width || null, height: i.Height || null })),
      acquisitions: (p.Links || []).filter((l) => rels(l).some((r) => r.startsWith("http://opds-spec.org/acquisition"))).map((l) => l.Href),
    })),
  };
}
process.stdout.write(JSON.stringify(out));
