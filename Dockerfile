# One image for every part: the gateway by default; a subgraph with the command
# `node dist/scripts/subgraph.js <api>` (compose.yaml runs the whole split shape).
# Build: docker build -t rest-federation .   (not built in this repository's CI: no Docker there;
# test/prod/deploy.test.ts checks what it copies, runs and sets)

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY lib ./lib
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY emulators ./emulators
COPY stack ./stack
COPY schema ./schema
COPY client/__generated__/persisted-documents.json ./client/__generated__/persisted-documents.json
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
ENV HOST=0.0.0.0
ENV PORT=4000
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "dist/scripts/healthcheck.js"]
CMD ["node", "dist/scripts/gateway.js"]
