// Sounds made with Web Audio (no files to download): short synthesized card snaps, swishes and
// chimes. Muting is remembered. The audio context starts on the first tap, as browsers require.
import { isMuted, setMuted } from "../prefs.ts";

export type Sound = "deal" | "flip" | "draw" | "place" | "knock" | "turn" | "warning" | "finalTurn" | "tally" | "win" | "error" | "shuffle";

let context: AudioContext | null = null;
let noise: AudioBuffer | null = null;
let muted = isMuted();

function audio(): AudioContext | null {
  if (muted) return null;
  if (!context) {
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return null;
    context = new Ctor();
  }
  if (context.state === "suspended") void context.resume().catch(() => undefined);
  return context;
}

/** Call from a user gesture so later sounds may play. */
export function unlockAudio(): void {
  audio();
}

export function soundMuted(): boolean {
  return muted;
}

export function setSoundMuted(value: boolean): void {
  muted = value;
  setMuted(value);
  if (value) void context?.suspend().catch(() => undefined);
}

function noiseBuffer(ctx: AudioContext): AudioBuffer {
  if (!noise) {
    noise = ctx.createBuffer(1, ctx.sampleRate * 0.5, ctx.sampleRate);
    const data = noise.getChannelData(0);
    let seed = 12345;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      data[i] = (seed / 0x7fffffff) * 2 - 1;
    }
  }
  return noise;
}

/** A burst of filtered noise: the sound of card on card. */
function snap(ctx: AudioContext, at: number, { duration = 0.06, freq = 2400, q = 0.8, gain = 0.35, type = "bandpass" as BiquadFilterType, sweepTo = 0 } = {}): void {
  const source = ctx.createBufferSource();
  source.buffer = noiseBuffer(ctx);
  const filter = ctx.createBiquadFilter();
  filter.type = type;
  filter.frequency.setValueAtTime(freq, at);
  if (sweepTo) filter.frequency.exponentialRampToValueAtTime(sweepTo, at + duration);
  filter.Q.value = q;
  const amp = ctx.createGain();
  amp.gain.setValueAtTime(0.0001, at);
  amp.gain.exponentialRampToValueAtTime(gain, at + 0.005);
  amp.gain.exponentialRampToValueAtTime(0.0001, at + duration);
  source.connect(filter).connect(amp).connect(ctx.destination);
  source.start(at);
  source.stop(at + duration + 0.02);
}

function tone(ctx: AudioContext, at: number, freq: number, { duration = 0.18, gain = 0.18, type = "sine" as OscillatorType, slideTo = 0 } = {}): void {
  const osc = ctx.createOscillator();
  osc.type = type;
  osc.frequency.setValueAtTime(freq, at);
  if (slideTo) osc.frequency.exponentialRampToValueAtTime(slideTo, at + duration);
  const amp = ctx.createGain();
  amp.gain.setValueAtTime(0.0001, at);
  amp.gain.exponentialRampToValueAtTime(gain, at + 0.012);
  amp.gain.exponentialRampToValueAtTime(0.0001, at + duration);
  osc.connect(amp).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + duration + 0.02);
}

export function play(sound: Sound): void {
  const ctx = audio();
  if (!ctx || ctx.state !== "running") return;
  const now = ctx.currentTime + 0.005;
  switch (sound) {
    case "deal":
      snap(ctx, now, { duration: 0.045, freq: 3200, gain: 0.18 });
      break;
    case "flip":
      snap(ctx, now, { duration: 0.05, freq: 1800, gain: 0.3 });
      snap(ctx, now + 0.05, { duration: 0.04, freq: 3000, gain: 0.2 });
      break;
    case "draw":
      snap(ctx, now, { duration: 0.16, freq: 900, sweepTo: 3500, q: 0.6, gain: 0.22 });
      break;
    case "place":
      snap(ctx, now, { duration: 0.08, freq: 600, type: "lowpass", gain: 0.5 });
      snap(ctx, now, { duration: 0.04, freq: 2600, gain: 0.15 });
      break;
    case "shuffle":
      for (let i = 0; i < 8; i++) snap(ctx, now + i * 0.035, { duration: 0.04, freq: 2000 + i * 150, gain: 0.14 });
      break;
    case "knock":
      for (const offset of [0, 0.16]) {
        tone(ctx, now + offset, 140, { duration: 0.12, gain: 0.5, slideTo: 70 });
        snap(ctx, now + offset, { duration: 0.05, freq: 500, type: "lowpass", gain: 0.4 });
      }
      break;
    case "turn":
      tone(ctx, now, 660, { duration: 0.16, gain: 0.12 });
      tone(ctx, now + 0.11, 990, { duration: 0.24, gain: 0.12 });
      break;
    case "warning":
      for (const offset of [0, 0.22, 0.44]) tone(ctx, now + offset, 880, { duration: 0.1, gain: 0.14, type: "square" });
      break;
    case "finalTurn":
      tone(ctx, now, 523, { duration: 0.22, gain: 0.14, type: "triangle" });
      tone(ctx, now + 0.18, 415, { duration: 0.36, gain: 0.14, type: "triangle" });
      break;
    case "tally":
      tone(ctx, now, 1200, { duration: 0.05, gain: 0.08, type: "triangle" });
      break;
    case "win":
      [523, 659, 784, 1047].forEach((freq, i) => tone(ctx, now + i * 0.12, freq, { duration: 0.3, gain: 0.14, type: "triangle" }));
      break;
    case "error":
      tone(ctx, now, 180, { duration: 0.18, gain: 0.16, type: "sawtooth", slideTo: 120 });
      break;
  }
}
