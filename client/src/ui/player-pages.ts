// The players' pages, one chunk loaded on demand: /leaderboard and /u/<name>.
export { renderLeaderboard } from "./leaderboard-page.ts";
export { renderProfile } from "./profile-page.ts";
