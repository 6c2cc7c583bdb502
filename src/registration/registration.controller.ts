import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { RegistrationMetadataDto } from './dto/registration-metadata.dto';
import { registrationMetadataPipe } from './dto/registration-metadata.pipe';
import { RegistrationBudgetGuard } from './registration-budget.guard';
import { InitialAccessTokenGuard } from './initial-access-token.guard';
import { RegistrationAccessTokenGuard } from './registration-access-token.guard';
import { Caller, RegistrationCaller } from './registration-caller.decorator';
import { RegistrationService } from './registration.service';

/**
 * RFC 7591 §3 client registration endpoint and RFC 7592 §2 client configuration endpoint, while
 * DYNAMIC_REGISTRATION is not off (AppModule). Answers carry credentials, so no cache keeps them (RFC 7591 §3.2.1).
 */
@Controller('oauth/register')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post()
  @UseGuards(RegistrationBudgetGuard, InitialAccessTokenGuard)
  @Header('Cache-Control', 'no-store')
  register(@Body(registrationMetadataPipe) body: RegistrationMetadataDto, @Caller() caller: RegistrationCaller) {
    return this.registration.register(body, caller);
  }

  @Get(':client_id')
  @UseGuards(RegistrationAccessTokenGuard)
  @Header('Cache-Control', 'no-store')
  read(@Param('client_id') clientId: string, @Caller() caller: RegistrationCaller) {
    return this.registration.read(clientId, caller);
  }

  @Put(':client_id')
  @UseGuards(RegistrationAccessTokenGuard)
  @Header('Cache-Control', 'no-store')
  replace(
    @Param('client_id') clientId: string,
    @Body(registrationMetadataPipe) body: RegistrationMetadataDto,
    @Caller() caller: RegistrationCaller,
  ) {
    return this.registration.replace(clientId, body, caller);
  }

  @Delete(':client_id')
  @UseGuards(RegistrationAccessTokenGuard)
  @HttpCode(204)
  delete(@Param('client_id') clientId: string, @Caller() caller: RegistrationCaller) {
    return this.registration.delete(clientId, caller);
  }
}
