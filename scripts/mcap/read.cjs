// Reads an MCAP file with Foxglove's own reader (@mcap/core) and prints what it holds as JSON:
// the header, schemas, channels with their message counts, metadata, and the summary's statistics
// (read again through the indexed reader, which starts from the footer and checks the summary's CRC),
// and the data section's CRC as DataEnd states it beside the one @foxglove/crc computes. Any error: exit 1.
//   node scripts/mcap/read.cjs --modules out/mcap/node_modules FILE.mcap
//   node scripts/mcap/read.cjs --modules out/mcap/node_modules --write-foreign OUT.mcap   (another tool's
//   valid, unchunked MCAP, for the tests of what rtapp replay refuses)
"use strict";
const fs = require("fs");
const path = require("path");

const args = process.argv.slice(2);
let modules = path.join(__dirname, "..", "..", "out", "mcap", "node_modules");
const i = args.indexOf("--modules");
if (i >= 0) { modules = args[i + 1]; args.splice(i, 2); }
const foreign = args[0] === "--write-foreign";
const file = foreign ? args[1] : args[0];
const { McapStreamReader, McapIndexedReader, McapWriter } = require(path.join(path.resolve(modules), "@mcap", "core"));

async function writeForeign() {
  const chunks = [];
  let position = 0n;
  const writable = { position: () => position, write: async (b) => { chunks.push(Buffer.from(b)); position += BigInt(b.length); } };
  const writer = new McapWriter({ writable, useChunks: false });
  await writer.start({ profile: "", library: "another tool" });
  const schemaId = await writer.registerSchema({ name: "Pose", encoding: "jsonschema", data: Buffer.from('{"type":"object"}') });
  const channelId = await writer.registerChannel({ topic: "/pose", schemaId, messageEncoding: "json", metadata: new Map() });
  for (let i = 0; i < 3; i++)
    await writer.addMessage({ channelId, sequence: i, logTime: BigInt(i), publishTime: BigInt(i), data: Buffer.from(`{"x":${i}}`) });
  await writer.end();
  fs.writeFileSync(file, Buffer.concat(chunks));
}

async function main() {
  if (foreign) return writeForeign();
  const bytes = fs.readFileSync(file);
  const reader = new McapStreamReader({ validateCrcs: true });
  reader.append(bytes);
  const out = { header: null, schemas: {}, channels: {}, metadata: {}, messages: 0, first_messages: {} };
  const byId = {};
  for (let rec; (rec = reader.nextRecord()); ) {
    switch (rec.type) {
      case "Header": out.header = { profile: rec.profile, library: rec.library }; break;
      case "Schema": out.schemas[rec.name] = { encoding: rec.encoding, bytes: rec.data.length }; JSON.parse(Buffer.from(rec.data).toString("utf8")); break;
      case "Channel":
        if (byId[rec.id]) break; // the summary repeats it
        byId[rec.id] = rec.topic;
        out.channels[rec.topic] = { schema: null, schema_id: rec.schemaId, message_encoding: rec.messageEncoding, messages: 0 };
        break;
      case "Metadata": out.metadata[rec.name] = Object.fromEntries(rec.metadata); break;
      case "DataEnd": out.data_section_crc = { stated: rec.dataSectionCrc }; break;
      case "Message": {
        const topic = byId[rec.channelId];
        out.channels[topic].messages++;
        out.messages++;
        const msg = JSON.parse(Buffer.from(rec.data).toString("utf8")); // every channel is JSON
        if (!(topic in out.first_messages)) out.first_messages[topic] = Object.keys(msg);
        break;
      }
    }
  }
  if (!reader.done()) throw new Error("the stream reader did not reach the footer and closing magic");
  const readable = { size: async () => BigInt(bytes.length), read: async (o, n) => bytes.subarray(Number(o), Number(o + n)) };
  const indexed = await McapIndexedReader.Initialize({ readable });
  for (const [id, s] of indexed.schemasById) for (const c of Object.values(out.channels)) if (c.schema_id === id) c.schema = s.name;
  // The data section runs from the first byte to DataEnd (13 bytes), which ends where the summary starts.
  const { crc32 } = require(path.join(path.resolve(modules), "@foxglove", "crc"));
  out.data_section_crc.computed = crc32(bytes.subarray(0, Number(indexed.footer.summaryStart) - 13));
  out.summary_crc = indexed.footer.summaryCrc;
  const st = indexed.statistics;
  out.statistics = st && {
    message_count: Number(st.messageCount), schema_count: st.schemaCount, channel_count: st.channelCount, metadata_count: st.metadataCount,
    channel_message_counts: Object.fromEntries([...st.channelMessageCounts].map(([id, n]) => [indexed.channelsById.get(id).topic, Number(n)])),
  };
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}
main().catch((e) => { console.error(`mcap: ${file}: ${e.message}`); process.exit(1); });
