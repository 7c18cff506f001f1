/** The screens and their parameters. A cid is `type:id`. */
export type Routes = {
  SignIn: undefined;
  Channels: undefined;
  Channel: { cid: string };
  Thread: { cid: string; parentId: string };
  Settings: undefined;
};

/** Deep links: scheme://channel/messaging:general, and the same paths on the web (/channel/messaging:general). */
export const linkingScreens = {
  SignIn: 'sign-in',
  Channels: '',
  Channel: 'channel/:cid',
  Thread: 'channel/:cid/thread/:parentId',
  Settings: 'settings',
};

/** Whether `cid` is a channel id (`type:id`); links and notifications carry anything. */
export function isCid(cid: unknown): cid is string {
  return typeof cid === 'string' && /^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9@_!-]{1,64}$/.test(cid);
}
