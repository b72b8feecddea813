// GraphQL Code Generator: typed documents for the operations our tests send,
// and for the example operations a frontend team starts from
// (examples/operations/*.graphql → examples/generated/).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'examples/generated/': {
      documents: ['examples/operations/*.graphql'],
      preset: 'client',
      config: { scalars: { DateTime: 'string', File: 'File' }, useTypeImports: true, enumsAsTypes: true },
      presetConfig: { fragmentMasking: false },
    },
    // The schema, minified, for Graphcache's schema awareness (examples/clients/urql.ts).
    'examples/generated/urql-schema.ts': { plugins: ['urql-introspection'], config: { useTypeImports: true } },
    'test/generated/': {
      documents: ['test/**/*.ts', '!test/generated/**'],
      preset: 'client',
      config: { scalars: { DateTime: 'string', File: 'File' }, useTypeImports: true, enumsAsTypes: true },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
