// openapi-typescript types with read/write markers, plus two refinements the spec expresses
// through vendor extensions: open enums keep editor autocompletion (`"A" | "B" | (string & {})`)
// and proto Durations are the template literal `${number}s`.
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { HEADER } from "./header.mjs";

const f = ts.factory;
const STRING = f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword);
const NUMBER = f.createKeywordTypeNode(ts.SyntaxKind.NumberKeyword);

function openEnum(values) {
  const literals = values.map((v) => f.createLiteralTypeNode(f.createStringLiteral(v)));
  const anyString = f.createIntersectionTypeNode([STRING, f.createTypeLiteralNode([])]);
  return f.createUnionTypeNode([...literals, anyString]);
}

function durationType() {
  return f.createTemplateLiteralType(f.createTemplateHead(""), [
    f.createTemplateLiteralTypeSpan(NUMBER, f.createTemplateTail("s")),
  ]);
}

export async function renderTypes(spec) {
  const ast = await openapiTS(structuredClone(spec), {
    readWriteMarkers: true,
    alphabetize: false,
    transform(schema) {
      if (schema["x-open-enum"]) {
        const known = (schema.anyOf ?? schema.oneOf ?? []).flatMap((s) => s.enum ?? []);
        return openEnum(known);
      }
      if (schema["x-ts-type"] === "duration") return durationType();
      return undefined;
    },
  });
  return HEADER + "/* eslint-disable */\n" + astToString(ast);
}
