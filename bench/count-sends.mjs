// A preload for the game server that counts its socket work: WebSocket sends (and their bytes) and
// the writes and writevs of its TCP sockets, written as JSON to $COUNT_OUT every half second and at
// exit. For comparing two versions of the server on the same games:
//
//   COUNT_OUT=/tmp/sends.json BENCH_SERVER_NODE_ARGS="--import ./bench/count-sends.mjs" \
//     npm run bench:server -- --games 20 --holes 4 --warmup-games 0 --json --no-host-gauge
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";

const WebSocket = createRequire(import.meta.url)("ws");
const counts = { sends: 0, bytes: 0, writes: 0, writevs: 0 };

const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data, ...rest) {
  counts.sends++;
  counts.bytes += data?.length ?? 0;
  return send.call(this, data, ...rest);
};
const writev = net.Socket.prototype._writev;
net.Socket.prototype._writev = function (...args) {
  counts.writevs++;
  return writev.apply(this, args);
};
const write = net.Socket.prototype._write;
net.Socket.prototype._write = function (...args) {
  counts.writes++;
  return write.apply(this, args);
};

const dump = () => writeFileSync(process.env.COUNT_OUT || "/tmp/golf-sends.json", JSON.stringify(counts));
setInterval(dump, 500).unref();
process.on("exit", dump);
