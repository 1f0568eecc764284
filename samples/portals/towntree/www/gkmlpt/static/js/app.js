/* gkmlpt list app (subset): the column in location.hash, else every column */
document.addEventListener('DOMContentLoaded',function(){
var cfg=window._CONFIG||{},cols=window.CLASSIFY||[];
var want=location.hash.replace('#','');
var app=document.getElementById('app');
cols.forEach(function(c){
  if(want&&String(c.id)!==want){return;}
  var x=new XMLHttpRequest();
  x.open('GET',cfg.ROOT+'/api/all/'+c.id+'?page=1&sid='+cfg.SID,true);
  x.onload=function(){var r=JSON.parse(x.responseText),h='<h3>'+c.name+'</h3><ul>';
    r.articles.forEach(function(a){h+='<li><a href="'+a.url+'">'+a.title+'</a></li>';});
    app.insertAdjacentHTML('beforeend',h+'</ul>');};
  x.send();
});
});
