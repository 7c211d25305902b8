// The local model both client test files drive, and what it answers: successor-tiny answers each character's
// successor, so greedy decoding of this prompt spells 'A'..'~' (62 tokens) then stops (shared/models/README.md; the
// same prompt as the integration tests' LocalChatTests).
export const LOCAL_MODEL = 'successor-tiny';
export const ALPHABET_PROMPT = 'Say the alphabet.';
export const ALPHABET = Array.from({ length: '~'.charCodeAt(0) - 'A'.charCodeAt(0) + 1 }, (_, i) => String.fromCharCode(65 + i)).join('');
// Its prompt tokens: <s>, "▁", then one byte-level token per character of the ChatML-templated conversation.
export const ALPHABET_PROMPT_TOKENS = 2 + `<|im_start|>user\n${ALPHABET_PROMPT}<|im_end|>\n<|im_start|>assistant\n`.length;
