/* gkmlpt front-end: renders CLASSIFY and fetches /gkmlpt/api/all/<id> */
