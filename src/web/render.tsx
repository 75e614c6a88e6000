import { createContext, type VNode } from 'preact';
import { useContext } from 'preact/hooks';
import { renderToString } from 'preact-render-to-string';

/** The per-request CSP nonce, for the few <script> tags an island needs. */
export const NonceContext = createContext<string>('');
export const useNonce = () => useContext(NonceContext);

export function renderPage(page: VNode, nonce: string): string {
  return `<!doctype html>${renderToString(<NonceContext.Provider value={nonce}>{page}</NonceContext.Provider>)}`;
}
