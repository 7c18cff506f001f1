// The brand's logo, as `npm run brand` wrote it (metro.config.js maps @brand to that directory).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const logo: number = require('@brand/logo.png');
