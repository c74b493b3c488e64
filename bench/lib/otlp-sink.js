// A minimal OTLP/gRPC receiver that accepts and counts Export calls, for benchmarks.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import {
  OTLP_METRICS_SERVICE_NAME,
  OTLP_METRICS_SERVICE_PROTO,
  OTLP_PROTO_INCLUDE_DIR,
  otlpProtoLoaderOptions,
} from '@sysray/proto';

export async function startOtlpSink() {
  const definition = protoLoader.loadSync(OTLP_METRICS_SERVICE_PROTO, {
    ...otlpProtoLoaderOptions(),
    includeDirs: [OTLP_PROTO_INCLUDE_DIR],
  });
  const service = grpc.loadPackageDefinition(definition);
  const serviceDef = OTLP_METRICS_SERVICE_NAME.split('.').reduce((node, key) => node[key], service).service;
  const server = new grpc.Server();
  const stats = { requests: 0, datapoints: 0 };
  server.addService(serviceDef, {
    Export(call, callback) {
      stats.requests += 1;
      for (const rm of call.request.resource_metrics ?? [])
        for (const sm of rm.scope_metrics ?? [])
          for (const m of sm.metrics ?? []) stats.datapoints += (m.sum ?? m.gauge)?.data_points?.length ?? 0;
      callback(null, {});
    },
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { endpoint: `http://127.0.0.1:${port}`, stats, close: () => server.forceShutdown() };
}
