import { useEffect, useState, type FormEvent } from 'react';
import QRCode from 'qrcode';
import { api, describe } from './api.js';

interface Enrolment {
  secret: string;
  otpauth_uri: string;
  recovery_codes: string[];
}

/**
 * First sign-in from the one-time link an operator made: choose a password, add the secret to an authenticator app,
 * keep the recovery codes (shown this once), and prove the authenticator with a code.
 */
export function Setup({ token }: { token: string | undefined }) {
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>();
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | undefined>();
  if (!token) {
    return <main className="console-card"><h1>Set up your account</h1><p className="console-error" role="alert">This setup link is not valid: ask an operator for a new one.</p></main>;
  }
  const choose = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    if (f.get('password') !== f.get('again')) {
      setError('The two passwords differ.');
      return;
    }
    setError(undefined);
    try {
      setEnrolment(await api<Enrolment>('POST', '/console/setup', { token, password: f.get('password') }));
    } catch (x) {
      setError(describe(x));
    }
  };
  const confirm = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(undefined);
    try {
      await api('POST', '/console/setup/confirm', { token, code: f.get('code') });
      setDone(true);
    } catch (x) {
      setError(describe(x));
    }
  };
  return (
    <main className="console-card">
      <h1>Set up your account</h1>
      {done ? (
        <p role="status">Your account is ready. <a href="#/login">Sign in</a>.</p>
      ) : !enrolment ? (
        <form onSubmit={(e) => void choose(e)} aria-label="Choose a password">
          <p>Choose a password of at least 12 characters that does not contain your name.</p>
          <label>Password <input name="password" type="password" autoComplete="new-password" required minLength={12} maxLength={256} /></label>
          <label>Password again <input name="again" type="password" autoComplete="new-password" required minLength={12} maxLength={256} /></label>
          <button type="submit">Continue</button>
        </form>
      ) : (
        <>
          <h2>Your authenticator</h2>
          <p>Scan the code with an authenticator app, or add the secret by hand (time-based, 6 digits, 30 seconds), or open the link on a phone that has one.</p>
          <QrCode text={enrolment.otpauth_uri} />
          <p><code className="console-secret" aria-label="Authenticator secret">{enrolment.secret}</code></p>
          {enrolment.otpauth_uri.startsWith('otpauth://totp/') && <p><a href={enrolment.otpauth_uri}>Open in an authenticator app</a></p>}
          <h2>Recovery codes</h2>
          <p>Each signs in once instead of a code. Keep them somewhere safe: they are shown only now.</p>
          <ul className="console-codes" aria-label="Recovery codes">
            {enrolment.recovery_codes.map((c) => <li key={c}><code>{c}</code></li>)}
          </ul>
          <form onSubmit={(e) => void confirm(e)} aria-label="Confirm your authenticator">
            <label>Current code from your authenticator <input name="code" autoComplete="one-time-code" inputMode="numeric" required pattern="[0-9]{6}" maxLength={6} /></label>
            <button type="submit">Finish setup</button>
          </form>
        </>
      )}
      {error && <p className="console-error" role="alert">{error}</p>}
    </main>
  );
}

/** The otpauth:// link as a QR code (a PNG data URL: the CSP allows data: images, and nothing is fetched). */
function QrCode({ text }: { text: string }) {
  const [src, setSrc] = useState<string | undefined>();
  useEffect(() => {
    if (!text.startsWith('otpauth://totp/')) return;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 200 }).then(setSrc, () => setSrc(undefined));
  }, [text]);
  return src ? <img className="console-qr" src={src} width={200} height={200} alt="QR code of the authenticator link" /> : null;
}
