import * as path from 'node:path';
import * as core from '@fluxgate/core';
import { AsyncCircuitBreaker, CallNotPermittedError, CircuitBreaker } from '@fluxgate/core';
import ts6 from 'typescript';
import ts5 from 'typescript5';

// ts-jest compiles this file with one tsconfig, so each decorator flavour is compiled here with the
// TypeScript compiler API and run against the real module.

type TypeScript = typeof ts6;

const compilers: readonly [string, TypeScript][] = [
  ['TypeScript 6', ts6],
  ['TypeScript 5', ts5 as unknown as TypeScript],
];

const flavours: readonly [string, boolean, string][] = [
  ['standard decorators', false, '__esDecorate'],
  ['experimentalDecorators', true, '__decorate'],
];

const snippet = `
import { AsyncCircuitBreaker, CircuitBreaker } from '@fluxgate/core';

export const cache = new CircuitBreaker({ name: 'cache' });
export const inventory = new AsyncCircuitBreaker({ name: 'inventory_api' });

export class Service {
  constructor(readonly prefix: string) {}

  @cache.protect()
  key(id: string, version: number): string {
    if (id === 'down') throw new Error('cache down');
    return this.prefix + ':' + id + ':' + version;
  }

  @cache.protect({ fallback: (error: unknown) => 'fallback: ' + (error as Error).message })
  keyOr(id: string): string {
    if (id === 'down') throw new Error('cache down');
    return this.prefix + ':' + id;
  }

  @inventory.protect()
  async items(kind: string, limit: number): Promise<string[]> {
    if (kind === 'down') throw new Error('inventory down');
    return [this.prefix, kind, String(limit)];
  }

  @inventory.protect({ fallback: async (error: unknown) => ['fallback', (error as Error).message] })
  async itemsOr(kind: string): Promise<string[]> {
    if (kind === 'down') throw new Error('inventory down');
    return [this.prefix, kind];
  }

  static label = 'Service';

  @cache.protect()
  static describe(version: number): string {
    return this.label + ' v' + version;
  }

  @inventory.protect({ fallback: () => 'fallback' })
  static async ping(host: string): Promise<string> {
    if (host === 'down') throw new Error('ping down');
    return this.label + ' pong from ' + host;
  }
}
`;

interface SnippetModule {
  cache: CircuitBreaker;
  inventory: AsyncCircuitBreaker;
  Service: {
    describe(version: number): string;
    ping(host: string): Promise<string>;
  } & (new (prefix: string) => {
    readonly prefix: string;
    key(id: string, version: number): string;
    keyOr(id: string): string;
    items(kind: string, limit: number): Promise<string[]>;
    itemsOr(kind: string): Promise<string[]>;
  });
}

function transpile(typescript: TypeScript, experimentalDecorators: boolean): string {
  return typescript.transpileModule(snippet, {
    compilerOptions: {
      target: typescript.ScriptTarget.ES2022,
      module: typescript.ModuleKind.CommonJS,
      experimentalDecorators,
    },
    reportDiagnostics: true,
  }).outputText;
}

/** Runs CommonJS output with `@fluxgate/core` resolved to the module this test imported. */
function evaluate(code: string): SnippetModule {
  const module = { exports: {} as Record<string, unknown> };
  const requireCore = (id: string): unknown => {
    if (id === '@fluxgate/core') return core;
    throw new Error(`unexpected require(${JSON.stringify(id)})`);
  };
  new Function('require', 'module', 'exports', code)(requireCore, module, module.exports);
  return module.exports as unknown as SnippetModule;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe.each(compilers)('protect() compiled by %s', (_compiler, typescript) => {
  describe.each(flavours)('with %s', (_flavour, experimentalDecorators, helper) => {
    const code = transpile(typescript, experimentalDecorators);

    it(`compiles to ${helper}`, () => {
      expect(code).toContain(helper);
      const other = experimentalDecorators ? '__esDecorate' : '__decorate(';
      expect(code).not.toContain(other);
    });

    it('CircuitBreaker without fallback: guards the method and keeps `this` and the parameters', () => {
      const { Service, cache } = evaluate(code);
      const service = new Service('svc');
      expect(service.key('a', 1)).toBe('svc:a:1');
      expect(() => service.key('down', 2)).toThrow('cache down');
      expect(cache.info().metrics).toMatchObject({ totalCount: 2, failureCount: 1 });
      cache.forceOpen();
      let refused: unknown;
      try {
        service.key('a', 3);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(CallNotPermittedError);
      expect(refused).toMatchObject({ circuitName: 'cache', state: 'forced_open' });
    });

    it('CircuitBreaker with fallback: returns fallback(error) and keeps `this`', () => {
      const { Service, cache } = evaluate(code);
      const service = new Service('svc');
      expect(service.keyOr('a')).toBe('svc:a');
      expect(service.keyOr('down')).toBe('fallback: cache down');
      cache.forceOpen();
      expect(service.keyOr('a')).toBe(
        "fallback: Circuit breaker 'cache' is forced_open; call not permitted",
      );
    });

    it('AsyncCircuitBreaker without fallback: guards the method and keeps `this` and the parameters', async () => {
      const { Service, inventory } = evaluate(code);
      const service = new Service('svc');
      await expect(service.items('tools', 5)).resolves.toEqual(['svc', 'tools', '5']);
      await expect(service.items('down', 1)).rejects.toThrow('inventory down');
      expect(inventory.info().metrics).toMatchObject({ totalCount: 2, failureCount: 1 });
      inventory.forceOpen();
      const refused = await rejection(service.items('tools', 5));
      expect(CallNotPermittedError.is(refused)).toBe(true);
      expect(refused).toMatchObject({ circuitName: 'inventory_api', state: 'forced_open' });
    });

    it('AsyncCircuitBreaker with fallback: resolves to the awaited fallback and keeps `this`', async () => {
      const { Service, inventory } = evaluate(code);
      const service = new Service('svc');
      await expect(service.itemsOr('tools')).resolves.toEqual(['svc', 'tools']);
      await expect(service.itemsOr('down')).resolves.toEqual(['fallback', 'inventory down']);
      inventory.forceOpen();
      await expect(service.itemsOr('tools')).resolves.toEqual([
        'fallback',
        "Circuit breaker 'inventory_api' is forced_open; call not permitted",
      ]);
    });

    it('guards static methods, with the class as `this`', async () => {
      const { Service, cache, inventory } = evaluate(code);
      expect(Service.describe(2)).toBe('Service v2');
      expect(cache.info().metrics.totalCount).toBe(1);
      await expect(Service.ping('a')).resolves.toBe('Service pong from a');
      await expect(Service.ping('down')).resolves.toBe('fallback');
      expect(inventory.info().metrics).toMatchObject({ totalCount: 2, failureCount: 1 });
    });

    it('each instance keeps its own `this`', async () => {
      const { Service } = evaluate(code);
      const a = new Service('a');
      const b = new Service('b');
      expect([a.key('x', 1), b.key('x', 1)]).toEqual(['a:x:1', 'b:x:1']);
      await expect(Promise.all([a.items('k', 1), b.itemsOr('k')])).resolves.toEqual([
        ['a', 'k', '1'],
        ['b', 'k'],
      ]);
    });
  });
});

describe('protect() called by hand', () => {
  class Holder {
    constructor(readonly prefix: string) {}
    read(id: string): string {
      if (id === 'down') throw new Error('down');
      return `${this.prefix}:${id}`;
    }
    async load(id: string): Promise<string> {
      if (id === 'down') throw new Error('down');
      return `${this.prefix}:${id}`;
    }
  }

  /**
   * A method decorator context as the runtime passes it; its type `C` is inferred from where it is
   * passed.
   */
  function context<C>(name: string, kind = 'method'): C {
    const value = {
      kind,
      name,
      static: false,
      private: false,
      access: { has: () => true, get: () => undefined },
      addInitializer: () => {},
      metadata: {},
    };
    return value as unknown as C;
  }
  type Read = (this: Holder, id: string) => string;
  type Load = (this: Holder, id: string) => Promise<string>;
  const read: Read = Holder.prototype.read;
  const load: Load = Holder.prototype.load;

  it('standard form (method, context): CircuitBreaker returns a guarded method', () => {
    const breaker = new CircuitBreaker({ name: 'cache' });
    const guarded = breaker.protect()(
      read,
      context<ClassMethodDecoratorContext<Holder, Read>>('read'),
    );
    expect(guarded).not.toBe(read);
    expect(guarded.call(new Holder('h'), 'x')).toBe('h:x');
    expect(() => guarded.call(new Holder('h'), 'down')).toThrow('down');
    expect(breaker.info().metrics).toMatchObject({ totalCount: 2, failureCount: 1 });
    breaker.forceOpen();
    expect(() => guarded.call(new Holder('h'), 'x')).toThrow(CallNotPermittedError);
  });

  it('standard form (method, context): AsyncCircuitBreaker with fallback', async () => {
    const breaker = new AsyncCircuitBreaker({ name: 'inventory_api' });
    const guarded = breaker.protect({ fallback: () => 'fallback' })(
      load,
      context<ClassMethodDecoratorContext<Holder, Load>>('load'),
    );
    await expect(guarded.call(new Holder('h'), 'x')).resolves.toBe('h:x');
    await expect(guarded.call(new Holder('h'), 'down')).resolves.toBe('fallback');
  });

  it('legacy form (target, key, descriptor): CircuitBreaker replaces descriptor.value', () => {
    const breaker = new CircuitBreaker({ name: 'cache' });
    const descriptor: TypedPropertyDescriptor<(id: string) => string> = {
      value: Holder.prototype.read,
      writable: true,
      enumerable: false,
      configurable: true,
    };
    const result = breaker.protect({ fallback: () => 'fallback' })(
      Holder.prototype,
      'read',
      descriptor,
    );
    const returned = result ?? descriptor;
    expect(returned.value).not.toBe(Holder.prototype.read);
    expect(returned).toMatchObject({ writable: true, enumerable: false, configurable: true });
    expect(returned.value!.call(new Holder('h'), 'x')).toBe('h:x');
    expect(returned.value!.call(new Holder('h'), 'down')).toBe('fallback');
  });

  it('legacy form (target, key, descriptor): AsyncCircuitBreaker replaces descriptor.value', async () => {
    const breaker = new AsyncCircuitBreaker({ name: 'inventory_api' });
    const descriptor: TypedPropertyDescriptor<(id: string) => Promise<string>> = {
      value: Holder.prototype.load,
      writable: true,
      enumerable: false,
      configurable: true,
    };
    const returned = breaker.protect()(Holder.prototype, 'load', descriptor) ?? descriptor;
    await expect(returned.value!.call(new Holder('h'), 'x')).resolves.toBe('h:x');
    await expect(returned.value!.call(new Holder('h'), 'down')).rejects.toThrow('down');
    breaker.forceOpen();
    await expect(returned.value!.call(new Holder('h'), 'x')).rejects.toBeInstanceOf(
      CallNotPermittedError,
    );
  });

  it('refuses a decorator context that is not a method, with a TypeError', () => {
    const breaker = new CircuitBreaker({ name: 'cache' });
    const guard = breaker.protect();
    const getter = context<ClassMethodDecoratorContext<Holder, Read>>('read', 'getter');
    expect(() => guard(read, getter)).toThrow(TypeError);
    expect(() => guard(read, getter)).toThrow('getter');
  });

  it('refuses a legacy descriptor without a method (an accessor), with a TypeError', () => {
    const breaker = new CircuitBreaker({ name: 'cache' });
    const guard = breaker.protect();
    const accessor = { get: () => () => 'x', enumerable: false, configurable: true };
    expect(() =>
      guard(Holder.prototype, 'read', accessor as TypedPropertyDescriptor<() => string>),
    ).toThrow(TypeError);
  });
});

describe('protect() type-checks', () => {
  /** A whole program is type-checked per test: seconds, not milliseconds. */
  const TYPECHECK_TIMEOUT = 60_000;
  const coreRoot = path.resolve(__dirname, '../..');
  const fixtures = path.join(__dirname, 'fixtures');
  /** Where the declarations emitted for the TypeScript 5 check live: in memory only. */
  const declRoot = path.join(fixtures, '.declarations');

  /** The options of the package's own build (`lib` ES2022 + DOM, no `@types`), strict. */
  function baseOptions(typescript: TypeScript): ts6.CompilerOptions {
    return {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: typescript.ScriptTarget.ES2022,
      module: typescript.ModuleKind.ESNext,
      moduleResolution: typescript.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
    };
  }

  function format(typescript: TypeScript, found: readonly ts6.Diagnostic[]): string {
    return typescript.formatDiagnostics(found, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => coreRoot,
      getNewLine: () => '\n',
    });
  }

  /**
   * The `.d.ts` files TypeScript 6 emits for the package, by absolute path under `declRoot`: what
   * a user on TypeScript 5 compiles against once the package is built.
   */
  let declarations: Map<string, string> | undefined;
  function emitDeclarations(): Map<string, string> {
    if (declarations) return declarations;
    const files = new Map<string, string>();
    const options: ts6.CompilerOptions = {
      ...baseOptions(ts6),
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: path.join(coreRoot, 'src'),
      outDir: declRoot,
    };
    const program = ts6.createProgram([path.join(coreRoot, 'src/index.ts')], options);
    const result = program.emit(undefined, (name, text) => files.set(path.resolve(name), text));
    expect(format(ts6, [...ts6.getPreEmitDiagnostics(program), ...result.diagnostics])).toBe('');
    declarations = files;
    return files;
  }

  /**
   * Type-checks `file` (or `source`, served as `file`) with `@fluxgate/core` mapped to the sources
   * (TypeScript 6) or to the declarations TypeScript 6 emits for them (TypeScript 5).
   */
  function diagnostics(
    typescript: TypeScript,
    file: string,
    experimentalDecorators: boolean,
    source?: string,
  ): string {
    const virtual = new Map<string, string>();
    if (source !== undefined) virtual.set(file, source);
    let entry = path.join(coreRoot, 'src/index.ts');
    if (typescript !== ts6) {
      for (const [name, text] of emitDeclarations()) virtual.set(name, text);
      entry = path.join(declRoot, 'index.d.ts');
    }
    const options: ts6.CompilerOptions = {
      ...baseOptions(typescript),
      experimentalDecorators,
      paths: { '@fluxgate/core': [entry] },
    };
    const host = typescript.createCompilerHost(options);
    const { readFile, fileExists, directoryExists, getSourceFile } = host;
    host.readFile = (name) => virtual.get(path.resolve(name)) ?? readFile.call(host, name);
    host.fileExists = (name) => virtual.has(path.resolve(name)) || fileExists.call(host, name);
    host.directoryExists = (name) =>
      path.resolve(name).startsWith(declRoot) || (directoryExists?.call(host, name) ?? true);
    host.getSourceFile = (name, languageVersion, ...rest) => {
      const text = virtual.get(path.resolve(name));
      return text === undefined
        ? getSourceFile.call(host, name, languageVersion, ...rest)
        : typescript.createSourceFile(name, text, languageVersion);
    };
    const program = typescript.createProgram([file], options, host);
    const found = format(typescript, typescript.getPreEmitDiagnostics(program));
    // The check must have seen the package, not an unresolved module.
    const resolved = program.getSourceFile(entry);
    expect(resolved).toBeDefined();
    return found;
  }

  describe.each(compilers)('with %s', (compiler, typescript) => {
    const against = typescript === ts6 ? 'the sources' : 'the declarations TypeScript 6 emits';

    it(
      `fixtures/standard-decorators.ts has no diagnostic (standard decorators, against ${against})`,
      () => {
        expect(diagnostics(typescript, path.join(fixtures, 'standard-decorators.ts'), false)).toBe(
          '',
        );
      },
      TYPECHECK_TIMEOUT,
    );

    it(
      `fixtures/legacy-decorators.ts has no diagnostic (experimentalDecorators, against ${against})`,
      () => {
        expect(diagnostics(typescript, path.join(fixtures, 'legacy-decorators.ts'), true)).toBe('');
      },
      TYPECHECK_TIMEOUT,
    );

    it.each(flavours)(
      `with %s, the async breaker's protect() refuses a method that returns no promise (${compiler})`,
      (_flavour, experimentalDecorators) => {
        const source = [
          "import { AsyncCircuitBreaker } from '@fluxgate/core';",
          "const inventory = new AsyncCircuitBreaker({ name: 'inventory_api' });",
          'export class Wrong {',
          '  @inventory.protect()',
          "  items(): string[] { return ['x']; }",
          '}',
        ].join('\n');
        const file = path.join(fixtures, 'virtual-wrong.ts');
        const found = diagnostics(typescript, file, experimentalDecorators, source);
        expect(found).toContain('virtual-wrong.ts(4,');
        expect(found).toContain("Property 'then' is missing");
        expect(found).not.toContain('Cannot find module');
      },
      TYPECHECK_TIMEOUT,
    );
  });
});
