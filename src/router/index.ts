// The variant routers by name, for configuration: Tessera's and the baselines it is compared against.

import { ServingError } from '../core/errors.js';
import { FixedRouter } from './fixed-router.js';
import { InfaasRouter } from './infaas-router.js';
import { TesseraRouter } from './tessera-router.js';
import type { VariantRouter } from './variant-router.js';

export const VARIANT_ROUTER_NAMES = ['tessera', 'infaas', 'fixed'] as const;
export type VariantRouterName = (typeof VARIANT_ROUTER_NAMES)[number];

export function isVariantRouterName(name: string): name is VariantRouterName {
  return (VARIANT_ROUTER_NAMES as readonly string[]).includes(name);
}

export function createVariantRouter(name: VariantRouterName): VariantRouter {
  switch (name) {
    case 'tessera':
      return new TesseraRouter();
    case 'infaas':
      return new InfaasRouter();
    case 'fixed':
      return new FixedRouter();
    default:
      // Reached only when a caller casts an unchecked string; configuration should use isVariantRouterName first.
      throw new ServingError('INVALID_ARGUMENT', `unknown variant router '${String(name)}' (one of: ${VARIANT_ROUTER_NAMES.join(', ')})`);
  }
}

export type { RouteDecision, RouteRequest, VariantCandidate, VariantRouter } from './variant-router.js';
export { predictFromFit } from './predict-from-fit.js';
export { FixedRouter, InfaasRouter, TesseraRouter };
