import { createContext, useContext } from 'react';
import type { LocalMessage } from '@chatsdk/client';

/** What the channel's composer is doing besides writing: quoting a message, or editing one. */
export interface ComposerContextValue {
  quoting: LocalMessage | undefined;
  setQuoting: (m: LocalMessage | undefined) => void;
  editing: LocalMessage | undefined;
  setEditing: (m: LocalMessage | undefined) => void;
}

const ComposerContext = createContext<ComposerContextValue | undefined>(undefined);
export const ComposerProvider = ComposerContext.Provider;

export function useComposerContext(): ComposerContextValue | undefined {
  return useContext(ComposerContext);
}
