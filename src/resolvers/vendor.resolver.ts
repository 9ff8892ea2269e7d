import { Query, Resolver } from 'type-graphql';
import { MinRole } from '../auth/root-field-roles.js';
import { presentVendor } from '../schema/present.js';
import { VendorDescription } from '../schema/vendor.type.js';
import { registeredManifests } from '../sources/index.js';

@Resolver(() => VendorDescription)
export class VendorResolver {
  @MinRole('VIEWER')
  @Query(() => [VendorDescription], { description: 'Every vendor the hub knows (the registered manifests), in registration order' })
  vendors(): VendorDescription[] {
    return registeredManifests().map(presentVendor);
  }
}
