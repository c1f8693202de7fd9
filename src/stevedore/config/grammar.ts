// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var word: any;
declare var semicolon: any;
declare var lbrace: any;
declare var rbrace: any;
declare var number: any;
declare var string: any;

import { lexer } from './lexer.js';
import * as p from './postprocessors.js';

interface NearleyToken {
  value: any;
  [key: string]: any;
};

interface NearleyLexer {
  reset: (chunk: string, info: any) => void;
  next: () => NearleyToken | undefined;
  save: () => any;
  formatError: (token: never) => string;
  has: (tokenType: string) => boolean;
};

interface NearleyRule {
  name: string;
  symbols: NearleySymbol[];
  postprocess?: (d: any[], loc?: number, reject?: {}) => any;
};

type NearleySymbol = string | { literal: any } | { test: (token: any) => boolean };

interface Grammar {
  Lexer: NearleyLexer | undefined;
  ParserRules: NearleyRule[];
  ParserStart: string;
};

const grammar: Grammar = {
  Lexer: lexer,
  ParserRules: [
    {"name": "file", "symbols": ["statements"], "postprocess": p.file},
    {"name": "statements", "symbols": [], "postprocess": p.empty},
    {"name": "statements", "symbols": ["statements", "statement"], "postprocess": p.append},
    {"name": "statement", "symbols": [(lexer.has("word") ? {type: "word"} : word), "arguments", (lexer.has("semicolon") ? {type: "semicolon"} : semicolon)], "postprocess": p.simpleStatement},
    {"name": "statement", "symbols": [(lexer.has("word") ? {type: "word"} : word), "arguments", "block"], "postprocess": p.blockStatement},
    {"name": "statement", "symbols": [(lexer.has("word") ? {type: "word"} : word), "arguments", "block", (lexer.has("semicolon") ? {type: "semicolon"} : semicolon)], "postprocess": p.blockStatement},
    {"name": "block", "symbols": [(lexer.has("lbrace") ? {type: "lbrace"} : lbrace), "statements", (lexer.has("rbrace") ? {type: "rbrace"} : rbrace)], "postprocess": p.block},
    {"name": "arguments", "symbols": [], "postprocess": p.empty},
    {"name": "arguments", "symbols": ["arguments", "argument"], "postprocess": p.append},
    {"name": "argument", "symbols": [(lexer.has("word") ? {type: "word"} : word)], "postprocess": p.argument},
    {"name": "argument", "symbols": [(lexer.has("number") ? {type: "number"} : number)], "postprocess": p.argument},
    {"name": "argument", "symbols": [(lexer.has("string") ? {type: "string"} : string)], "postprocess": p.argument}
  ],
  ParserStart: "file",
};

export default grammar;
