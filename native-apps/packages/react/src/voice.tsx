import { useEffect, useRef, useState } from 'react';
import type { AttachmentResponse } from '@chatsdk/client';
import { safeHref } from './text.js';

/** Bars of a waveform (values 0..1), filled up to `progress` (0..1). */
export function Waveform({ data, progress = 0 }: { data: number[]; progress?: number }) {
  const bars = data.length ? data : new Array(40).fill(0.1);
  const w = 3;
  const gap = 1;
  const h = 28;
  return (
    <svg className="chatsdk-waveform" width={bars.length * (w + gap)} height={h} aria-hidden="true">
      {bars.map((v, i) => {
        const bh = Math.max(2, Math.min(1, Math.max(0, v)) * h);
        return <rect key={i} x={i * (w + gap)} y={(h - bh) / 2} width={w} height={bh} rx={1} className={i / bars.length < progress ? 'played' : undefined} />;
      })}
    </svg>
  );
}

function seconds(s: number): string {
  const t = Math.max(0, Math.round(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/** A voice note attachment: play and pause, its waveform with progress, and its length. */
export function VoiceMessage({ attachment }: { attachment: AttachmentResponse }) {
  const src = safeHref(attachment.asset_url);
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [at, setAt] = useState(0);
  const [failure, setFailure] = useState<string | undefined>();
  const duration = typeof attachment.duration === 'number' ? attachment.duration : 0;
  const data = Array.isArray(attachment.waveform_data) ? (attachment.waveform_data as number[]) : [];
  if (!src) return null;
  const toggle = () => {
    const a = audio.current;
    if (!a) return;
    if (a.paused) {
      setFailure(undefined);
      void a.play().catch((e: unknown) => {
        setPlaying(false);
        setFailure(e instanceof Error ? e.name : 'error');
      });
    }
    else a.pause();
  };
  return (
    <div className="chatsdk-voice-message" role="group" aria-label={`Voice message, ${seconds(duration)}`}>
      <button type="button" className="chatsdk-voice-play" aria-label={playing ? 'Pause voice message' : 'Play voice message'} onClick={toggle}>
        {playing ? '❚❚' : '▶'}
      </button>
      <Waveform data={data} progress={duration ? at / duration : 0} />
      <span className="chatsdk-voice-time">{seconds(playing || at > 0 ? at : duration)}</span>
      {failure && <span className="chatsdk-voice-error" role="alert">Cannot play ({failure})</span>}
      <audio
        ref={audio}
        src={src}
        preload="metadata"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => { setPlaying(false); setAt(0); }}
        onTimeUpdate={(e) => setAt(e.currentTarget.currentTime)}
      />
    </div>
  );
}

/** What a recording gives: the audio and what the kit measured of it in the browser. */
export interface Recording {
  blob: Blob;
  mimeType: string;
  /** Seconds. */
  duration: number;
  /** 100 values in 0..1: the loudness (RMS) of each hundredth of the recording, scaled to the loudest. */
  waveform: number[];
}

/** Decodes audio in the browser and measures it: its length and a 100-point waveform. */
export async function measure(blob: Blob, points = 100): Promise<{ duration: number; waveform: number[] }> {
  const Ctx = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctx) return { duration: 0, waveform: [] };
  const ctx = new Ctx();
  try {
    const buf = await ctx.decodeAudioData(await blob.arrayBuffer());
    const samples = buf.getChannelData(0);
    const size = Math.max(1, Math.floor(samples.length / points));
    const rms: number[] = [];
    for (let i = 0; i < points; i++) {
      let sum = 0;
      const start = i * size;
      const end = Math.min(samples.length, start + size);
      for (let j = start; j < end; j++) sum += (samples[j] ?? 0) ** 2;
      rms.push(end > start ? Math.sqrt(sum / (end - start)) : 0);
    }
    const peak = Math.max(...rms, 1e-9);
    return { duration: buf.duration, waveform: rms.map((v) => Math.round((v / peak) * 1000) / 1000) };
  } finally {
    void ctx.close();
  }
}

/** Records a voice note with the microphone (MediaRecorder), shows it for a preview, and hands it over to send. */
export function VoiceRecorder({ onSend }: { onSend: (r: Recording) => void | Promise<void> }) {
  const [phase, setPhase] = useState<'idle' | 'recording' | 'preview' | 'error'>('idle');
  const [recording, setRecording] = useState<Recording | undefined>();
  const [url, setUrl] = useState<string | undefined>();
  const [elapsed, setElapsed] = useState(0);
  const recorder = useRef<MediaRecorder | undefined>(undefined);
  const streamRef = useRef<MediaStream | undefined>(undefined);
  const mounted = useRef(true);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  // leaving (another channel, sign-out) stops the microphone and drops an unsent recording
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      if (recorder.current?.state === 'recording') recorder.current.stop();
      streamRef.current?.getTracks().forEach((t) => t.stop());
    };
  }, []);
  useEffect(() => {
    if (phase !== 'recording') return;
    const started = Date.now();
    const t = setInterval(() => setElapsed((Date.now() - started) / 1000), 250);
    return () => clearInterval(t);
  }, [phase]);
  if (typeof MediaRecorder === 'undefined') return null;

  const start = async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      streamRef.current = stream;
      if (!mounted.current) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      const rec = new MediaRecorder(stream);
      const chunks: Blob[] = [];
      rec.ondataavailable = (e) => chunks.push(e.data);
      rec.onstop = async () => {
        stream.getTracks().forEach((t) => t.stop());
        if (!mounted.current) return;
        const mimeType = (rec.mimeType || 'audio/webm').split(';')[0] ?? 'audio/webm';
        const blob = new Blob(chunks, { type: mimeType });
        const m = await measure(blob).catch(() => ({ duration: 0, waveform: [] as number[] }));
        setRecording({ blob, mimeType, duration: m.duration, waveform: m.waveform });
        setUrl(URL.createObjectURL(blob));
        setPhase('preview');
      };
      recorder.current = rec;
      rec.start();
      setElapsed(0);
      setPhase('recording');
    } catch {
      setPhase('error');
    }
  };
  const reset = () => {
    setRecording(undefined);
    setUrl(undefined);
    setPhase('idle');
  };

  return (
    <div className="chatsdk-voice-recorder">
      {phase === 'idle' && <button type="button" aria-label="Record a voice note" onClick={() => void start()}>🎤</button>}
      {phase === 'error' && (
        <span role="alert">
          No microphone. <button type="button" onClick={reset}>OK</button>
        </span>
      )}
      {phase === 'recording' && (
        <>
          <span className="chatsdk-recording" role="status">● Recording {seconds(elapsed)}</span>
          <button type="button" aria-label="Stop recording" onClick={() => recorder.current?.stop()}>■</button>
        </>
      )}
      {phase === 'preview' && recording && (
        <div className="chatsdk-voice-preview" role="group" aria-label="Voice note preview">
          <Waveform data={recording.waveform} />
          <span className="chatsdk-voice-time">{seconds(recording.duration)}</span>
          <audio src={url} controls aria-label="Preview" />
          <button type="button" onClick={reset}>Discard</button>
          <button type="button" className="chatsdk-primary" onClick={() => { void onSend(recording); reset(); }}>Send voice note</button>
        </div>
      )}
    </div>
  );
}
