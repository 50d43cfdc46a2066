// Entry point of a node. The Colyseus game server arrives with the server issue; until then this
// only says so, and exits cleanly.
console.log("Six-Card Golf: the rules engine and CPU players are ready (npm run sim).");
console.log("The game server (http://localhost:2567) is built next; see README.md.");
