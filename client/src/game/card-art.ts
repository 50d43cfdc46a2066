// Card faces and backs, drawn once on a canvas each and handed to Phaser as textures. Drawn large
// (so they stay sharp on high-density screens) and scaled down on the table.
import type Phaser from "phaser";
import { suitSymbol, type CardFace } from "./model.ts";

export const ART_W = 200;
export const ART_H = 280;
const RADIUS = 18;
const GLOW_PAD = 26;

const RED = "#c0392b";
const BLACK = "#1f2430";

function canvas(width: number, height: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const element = document.createElement("canvas");
  element.width = width;
  element.height = height;
  return [element, element.getContext("2d")!];
}

function roundedRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

const FONT = '"Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif';

function drawFace(card: CardFace): HTMLCanvasElement {
  const [element, ctx] = canvas(ART_W, ART_H);
  const paper = ctx.createLinearGradient(0, 0, 0, ART_H);
  paper.addColorStop(0, "#ffffff");
  paper.addColorStop(1, "#f1eee6");
  roundedRect(ctx, 2, 2, ART_W - 4, ART_H - 4, RADIUS);
  ctx.fillStyle = paper;
  ctx.fill();
  ctx.lineWidth = 3;
  ctx.strokeStyle = "#cfc9b8";
  ctx.stroke();

  if (card.rank === "JK") {
    ctx.fillStyle = "#6a1b9a";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.font = `bold 34px ${FONT}`;
    ctx.fillText("JOKER", ART_W / 2, 46);
    ctx.font = `120px ${FONT}`;
    ctx.fillStyle = "#e6a700";
    ctx.fillText("★", ART_W / 2, ART_H / 2 + 8);
    ctx.font = `bold 34px ${FONT}`;
    ctx.fillStyle = "#6a1b9a";
    ctx.save();
    ctx.translate(ART_W / 2, ART_H - 46);
    ctx.rotate(Math.PI);
    ctx.fillText("JOKER", 0, 0);
    ctx.restore();
    return element;
  }

  const colour = card.suit === "hearts" || card.suit === "diamonds" ? RED : BLACK;
  const symbol = suitSymbol(card.suit);
  ctx.fillStyle = colour;
  ctx.textBaseline = "middle";
  const corner = (rotate: boolean) => {
    ctx.save();
    if (rotate) {
      ctx.translate(ART_W, ART_H);
      ctx.rotate(Math.PI);
    }
    ctx.textAlign = "center";
    // Large corner indices: on a small card they are what you read.
    ctx.font = `bold ${card.rank === "10" ? 50 : 60}px ${FONT}`;
    ctx.fillText(card.rank, 38, 44);
    ctx.font = `44px ${FONT}`;
    ctx.fillText(symbol, 38, 98);
    ctx.restore();
  };
  corner(false);
  corner(true);

  ctx.textAlign = "center";
  if (card.rank === "J" || card.rank === "Q" || card.rank === "K") {
    // A framed court card: the letter large over its suit.
    roundedRect(ctx, 64, 70, ART_W - 128, ART_H - 140, 10);
    ctx.lineWidth = 3;
    ctx.strokeStyle = colour;
    ctx.globalAlpha = 0.5;
    ctx.stroke();
    ctx.globalAlpha = 0.08;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.font = `bold 70px Georgia, "Liberation Serif", serif`;
    ctx.fillText(card.rank, ART_W / 2, ART_H / 2 - 12);
    ctx.font = `40px ${FONT}`;
    ctx.fillText(symbol, ART_W / 2, ART_H / 2 + 44);
  } else {
    ctx.font = `${card.rank === "A" ? 110 : 84}px ${FONT}`;
    ctx.fillText(symbol, ART_W / 2 + 10, ART_H / 2 + 16);
  }
  return element;
}

function drawBack(): HTMLCanvasElement {
  const [element, ctx] = canvas(ART_W, ART_H);
  roundedRect(ctx, 2, 2, ART_W - 4, ART_H - 4, RADIUS);
  ctx.fillStyle = "#fdfaf2";
  ctx.fill();
  ctx.lineWidth = 3;
  ctx.strokeStyle = "#cfc9b8";
  ctx.stroke();
  const inset = 12;
  roundedRect(ctx, inset, inset, ART_W - inset * 2, ART_H - inset * 2, RADIUS - 6);
  const body = ctx.createLinearGradient(0, 0, ART_W, ART_H);
  body.addColorStop(0, "#8e2433");
  body.addColorStop(1, "#5c1320");
  ctx.fillStyle = body;
  ctx.fill();
  ctx.save();
  ctx.clip();
  ctx.strokeStyle = "rgba(255, 214, 150, 0.28)";
  ctx.lineWidth = 2;
  for (let d = -ART_H; d < ART_W + ART_H; d += 18) {
    ctx.beginPath();
    ctx.moveTo(d, 0);
    ctx.lineTo(d + ART_H, ART_H);
    ctx.moveTo(d, ART_H);
    ctx.lineTo(d + ART_H, 0);
    ctx.stroke();
  }
  ctx.restore();
  roundedRect(ctx, inset + 10, inset + 10, ART_W - (inset + 10) * 2, ART_H - (inset + 10) * 2, RADIUS - 10);
  ctx.strokeStyle = "rgba(255, 214, 150, 0.75)";
  ctx.lineWidth = 3;
  ctx.stroke();
  // The emblem: a flag on a green, drawn (no font has to have it).
  const cx = ART_W / 2;
  const cy = ART_H / 2;
  ctx.beginPath();
  ctx.arc(cx, cy, 46, 0, Math.PI * 2);
  ctx.fillStyle = "#4a0f19";
  ctx.fill();
  ctx.lineWidth = 3;
  ctx.strokeStyle = "rgba(255, 214, 150, 0.8)";
  ctx.stroke();
  ctx.fillStyle = "rgba(255, 230, 190, 0.95)";
  ctx.beginPath();
  ctx.ellipse(cx + 2, cy + 26, 20, 5, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillRect(cx - 4, cy - 30, 4, 56);
  ctx.beginPath();
  ctx.moveTo(cx, cy - 30);
  ctx.lineTo(cx + 30, cy - 19);
  ctx.lineTo(cx, cy - 8);
  ctx.closePath();
  ctx.fillStyle = "#f7c948";
  ctx.fill();
  return element;
}

function drawGlow(): HTMLCanvasElement {
  const [element, ctx] = canvas(ART_W + GLOW_PAD * 2, ART_H + GLOW_PAD * 2);
  ctx.shadowColor = "#ffffff";
  ctx.shadowBlur = 22;
  ctx.strokeStyle = "#ffffff";
  ctx.lineWidth = 10;
  roundedRect(ctx, GLOW_PAD, GLOW_PAD, ART_W, ART_H, RADIUS);
  ctx.stroke();
  ctx.stroke();
  return element;
}

function drawShadow(): HTMLCanvasElement {
  const [element, ctx] = canvas(ART_W + GLOW_PAD * 2, ART_H + GLOW_PAD * 2);
  ctx.shadowColor = "rgba(0, 0, 0, 0.55)";
  ctx.shadowBlur = 18;
  ctx.shadowOffsetY = 6;
  ctx.fillStyle = "rgba(0, 0, 0, 0.35)";
  roundedRect(ctx, GLOW_PAD, GLOW_PAD, ART_W, ART_H, RADIUS);
  ctx.fill();
  return element;
}

function drawSlot(): HTMLCanvasElement {
  const [element, ctx] = canvas(ART_W, ART_H);
  roundedRect(ctx, 6, 6, ART_W - 12, ART_H - 12, RADIUS);
  ctx.setLineDash([14, 10]);
  ctx.lineWidth = 4;
  ctx.strokeStyle = "rgba(255, 255, 255, 0.28)";
  ctx.stroke();
  return element;
}

/** Glow and shadow textures are larger than a card by this factor. */
export const HALO_SCALE_X = (ART_W + GLOW_PAD * 2) / ART_W;
export const HALO_SCALE_Y = (ART_H + GLOW_PAD * 2) / ART_H;

export function faceKey(card: CardFace): string {
  return `card:${card.rank}${card.suit ? card.suit[0] : ""}`;
}

/** Makes (once) and returns the texture key for a face, or the back when the face is unknown. */
export function cardTexture(scene: Phaser.Scene, card: CardFace | null): string {
  const key = card ? faceKey(card) : "card:back";
  if (!scene.textures.exists(key)) scene.textures.addCanvas(key, card ? drawFace(card) : drawBack());
  return key;
}

export function ensureArt(scene: Phaser.Scene): void {
  cardTexture(scene, null);
  if (!scene.textures.exists("card:glow")) scene.textures.addCanvas("card:glow", drawGlow());
  if (!scene.textures.exists("card:shadow")) scene.textures.addCanvas("card:shadow", drawShadow());
  if (!scene.textures.exists("card:slot")) scene.textures.addCanvas("card:slot", drawSlot());
}
