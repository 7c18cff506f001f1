// The example brands as the app sees them (what app.config.js puts in extra.brand), for the component tests.
import type { Brand } from '../src/brand';
import northwindFile from '../brands/northwind/brand.json';
import acmeFile from '../brands/acme-health/brand.json';

function asBrand(file: typeof northwindFile | typeof acmeFile): Brand {
  return {
    name: file.name,
    scheme: file.scheme,
    colors: file.colors,
    api: file.api,
    signIn: file.signIn as Brand['signIn'],
    features: { attachments: true, search: false, ...file.features },
  };
}

export const northwind = asBrand(northwindFile);
export const acme = asBrand(acmeFile);
