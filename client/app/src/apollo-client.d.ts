// Apollo Client 4 data masking with graphql-codegen's types (the Apollo Client codegen guide):
// operation results hide the fields of fragments spread without @unmask.
import type { GraphQLCodegenDataMasking } from '@apollo/client/masking';

declare module '@apollo/client' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface TypeOverrides extends GraphQLCodegenDataMasking.TypeOverrides {}
}
