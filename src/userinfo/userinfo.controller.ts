import { Controller, Get, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { BearerRequest, BearerTokenGuard } from '../access-tokens/bearer-token.guard';
import { RequireScope } from '../access-tokens/require-scope.decorator';
import { UserInfoService } from './userinfo.service';

/** OpenID Connect Core §5.3 UserInfo endpoint: GET or POST with a bearer access token carrying `openid`. */
@Controller('oauth/userinfo')
@UseGuards(BearerTokenGuard)
@RequireScope('openid')
export class UserInfoController {
  constructor(private readonly userInfo: UserInfoService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  get(@Req() request: BearerRequest) {
    return this.userInfo.claims(request.accessToken);
  }

  @Post()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  post(@Req() request: BearerRequest) {
    return this.userInfo.claims(request.accessToken);
  }
}
